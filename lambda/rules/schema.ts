import { z } from 'zod';

/** Rules as the config file writes them. Placeholder until the rule engine lands (issue 4). */
export const rulesSchema = z.array(z.unknown());
export type RuleConfig = z.output<typeof rulesSchema>[number];
