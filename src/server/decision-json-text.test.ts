/**
 * decisionJsonText writes the same text as JSON.stringify for every decision of examples/acme's
 * access tests, in both cause modes, twice (the second time from the remembered cause texts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { accessCompiler } from '../analysis/access-compiler.ts';
import { parseAccessTests } from '../analysis/index.ts';
import { principalSession, sessionFactsOf } from '../analysis/principal-session.ts';
import { actionChecker, contextKeyType, rcpServices } from '../catalog/installed-catalog-checks.ts';
import { acmeFiles, parseValid, ACME_DIR } from '../org/acme-variant.test-support.ts';
import { configDirectory } from '../org/index.ts';
import { createDecider } from '../policy/index.ts';
import { decisionJsonText } from './decision-json-text.ts';

test('the text of every acme access test decision equals JSON.stringify of it', () => {
  const config = parseValid(acmeFiles);
  const directory = configDirectory(config);
  const compile = accessCompiler(config, { rcpServices: rcpServices(), directory });
  const decider = createDecider();
  const kinds = new Set<string>();
  let count = 0;
  for (const file of readdirSync(join(ACME_DIR, 'tests'))) {
    const parsed = parseAccessTests(readFileSync(join(ACME_DIR, 'tests', file), 'utf8'), file, config, { checkAction: actionChecker(), contextKeyType: contextKeyType(), directory });
    for (const t of parsed.tests) {
      const compiled = compile({ principal: t.principal, account: t.account, permissionSet: t.permissionSet, resource: t.resource, resourceAccount: t.resourceAccount });
      assert.ok(compiled.ok);
      const session = principalSession(t.principal, compiled.value.access.account.id, t.permissionSet, sessionFactsOf(config));
      for (const causes of ['all', 'sufficient'] as const) {
        const request = { principal: session.principal, action: t.action, resource: t.resource, resourceAccount: compiled.value.resourceAccountId, context: { ...session.context, ...t.context } };
        for (let round = 0; round < 2; round++) {
          const decision = decider.decide(compiled.value.compiled, request, session.facts, { causes });
          assert.equal(decisionJsonText(decision), JSON.stringify(decision), t.name);
          for (const cause of decision.causes) kinds.add(cause.kind);
          count += 1;
        }
      }
    }
  }
  assert.ok(count > 100);
  assert.deepEqual([...kinds].sort(), ['allow', 'explicit-deny', 'no-allow']);
});
