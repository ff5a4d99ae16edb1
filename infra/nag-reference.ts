import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { isRecord } from '../lambda/is-record.js';

type Node = unknown;

const flatten = (node: Node): string => {
  if (typeof node === 'string') return node;
  if (isRecord(node)) {
    const join = node['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(flatten).join(join[0]);
    }
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(flatten).join('.')}>`;
    if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(node);
};

/**
 * An ARN as cdk-nag writes it in a finding id (`<Bucket1234.Arn>`, `arn:<AWS::Partition>:…`), so an
 * acknowledgement names exactly the resource it covers instead of a broad rule id.
 */
export const nagReference = (scope: IConstruct, value: string): string =>
  flatten(Stack.of(scope).resolve(value));
