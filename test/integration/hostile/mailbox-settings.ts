import { rulesYaml } from '../engine/engine-fixture.js';

/** Settings the identity and stored-state attacks share: every message forwarded, vacation on. */

export const HOUR_MS = 3_600_000;

export const [forwardAll] = rulesYaml(`
- name: everything to phone
  when: { from: "*" }
  then: [{ forward: { to: [me@phone.example] } }]
`);

export const vacation = { enabled: true, body: 'I am away.', days: 7 };
