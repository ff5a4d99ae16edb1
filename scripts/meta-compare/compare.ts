import { parseHeaderBlock } from '../../lambda/mail/parse-headers.js';
import { classify, type Disagreement } from './classify.js';
import {
  FIELDS,
  type Field,
  type PythonResult,
  popfwdValue,
  pythonValue,
  RAW_NAMES,
  rawFields,
  sameValue,
} from './fields.js';

export interface MessageComparison {
  readonly agreed: readonly Field[];
  readonly disagreements: readonly Disagreement[];
}

/** One message: popfwd's parse of its bytes beside Python's result, each disagreement judged. */
export const compareMessage = (
  corpus: string,
  file: string,
  bytes: Buffer,
  python: PythonResult,
): MessageComparison => {
  const parsed = parseHeaderBlock(bytes);
  const raw = rawFields(bytes);
  const agreed: Field[] = [];
  const disagreements: Disagreement[] = [];
  for (const field of FIELDS) {
    const ours = popfwdValue(parsed, field);
    const theirs = pythonValue(python, field);
    if (sameValue(ours, theirs)) {
      agreed.push(field);
      continue;
    }
    const observation = {
      corpus,
      file,
      field,
      raw: raw.get(RAW_NAMES[field]) ?? [],
      popfwd: ours,
      python: theirs,
      pythonNaive: python.naive === true,
      pythonErrors: python.errors ?? [],
    };
    disagreements.push({ ...observation, ...classify(observation) });
  }
  return { agreed, disagreements };
};
