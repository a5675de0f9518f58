/**
 * The seven shared Terraform plans (test/fixtures/terraform, issue #11): every "must" decision and
 * finding of their expected.json is reported, no "must not" is, and the sensitive scenario's
 * canary appears in no output format.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureOrganization, FIXTURES, SCENARIOS } from './fixture-policies.test-support.ts';
import { runPreflight, type PreflightReport } from './preflight.ts';
import { preflightJson, renderPreflightMarkdown, renderPreflightText } from './render-preflight.ts';

interface ExpectedRequest {
  action: string;
  resource: string;
  role: string;
  decision: string;
  context: Record<string, string | string[]>;
  deniedBy?: { kind: string; policy: string; statement?: string }[];
}
interface Expected {
  summary: { changes: number; denied: number; explicitDeny: number; implicitDeny: number };
  changes: { address: string; actions: string[]; region: string; provider: string; decision: string; requests: ExpectedRequest[] }[];
  findings: { rule: string; severity: string; address: string; required: boolean }[];
  mustNotReport: { rule?: string; address?: string; what: string }[];
  redaction?: { canary: string; base64: string };
}

const org = fixtureOrganization();

function preflight(scenario: string): { report: PreflightReport; expected: Expected } {
  const expected = JSON.parse(readFileSync(join(FIXTURES, scenario, 'expected.json'), 'utf8')) as Expected;
  const result = runPreflight(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8'), {
    account: org.account,
    policies: org.policies,
    deployer: { principal: org.principal, roleArn: org.roleArn },
    requiredTags: ['team'],
  });
  assert.ok(result.ok, `${scenario}: ${JSON.stringify(!result.ok && result.issues)}`);
  return { report: result.value, expected };
}

/** the keys that decide these fixtures' requests; the principal keys come from the engine */
const COMPARED_KEY = /^(aws:RequestedRegion|aws:RequestTag\/.*|aws:TagKeys|iam:.*|ec2:CreateAction|s3:.*|lambda:.*)$/;

for (const scenario of SCENARIOS) {
  describe(`preflight of the ${scenario} plan`, () => {
    const { report, expected } = preflight(scenario);

    it('decides every change as expected, with its region and provider', () => {
      assert.equal(report.changes.length, expected.changes.length);
      for (const want of expected.changes) {
        const got = report.changes.find((c) => c.change.address === want.address);
        assert.ok(got, `${want.address} is reported`);
        assert.deepEqual([got.change.actions, got.decision, got.region, got.provider], [want.actions, want.decision, want.region, want.provider], want.address);
      }
      const { changes, denied, explicitDeny, implicitDeny } = report.summary;
      assert.deepEqual({ changes, denied, explicitDeny, implicitDeny }, expected.summary);
    });

    it('reports every expected AWS request with its context, decision and deciding statement', () => {
      for (const want of expected.changes) {
        const got = report.changes.find((c) => c.change.address === want.address)!;
        for (const request of want.requests) {
          const label = `${want.address}: ${request.action} on ${request.resource}`;
          const match = got.requests.find((r) => r.action === request.action && r.resource === request.resource);
          assert.ok(match, `${label} is reported`);
          assert.equal(match.decision, request.decision, label);
          for (const [key, value] of Object.entries(request.context)) {
            if (!COMPARED_KEY.test(key)) continue;
            // no tags: AWS sends no aws:TagKeys at all, which the expectations write as []
            if (key === 'aws:TagKeys' && Array.isArray(value) && value.length === 0) assert.equal(match.context[key], undefined, `${label}: ${key}`);
            else assert.deepEqual(match.context[key], value, `${label}: ${key}`);
          }
          for (const deny of (request.deniedBy ?? []).filter((d) => typeof d.statement === 'string')) {
            assert.ok(
              match.decidedBy.some((d) => d.policy === deny.policy && d.statement === deny.statement && d.effect === 'Deny'),
              `${label}: denied by ${deny.policy}/${deny.statement}, got ${JSON.stringify(match.decidedBy)}`,
            );
          }
          if (request.decision === 'ImplicitDeny') assert.ok(match.decidedBy.every((d) => d.effect === 'none'), `${label}: no explicit deny`);
        }
      }
    });

    it('reports every required finding and nothing it must not', () => {
      for (const want of expected.findings.filter((f) => f.required)) {
        assert.ok(
          report.findings.some((f) => f.rule === want.rule && f.address === want.address && f.severity === want.severity),
          `${want.rule} on ${want.address}: got ${JSON.stringify(report.findings.map((f) => [f.rule, f.address]))}`,
        );
      }
      for (const not of expected.mustNotReport.filter((n) => n.rule !== undefined)) {
        const hit = report.findings.filter((f) => f.rule === not.rule && (not.address === undefined || f.address === not.address));
        // "TAG-MISSING on the us-west-2 resources" and the like: only the resources the note names
        const named = [...not.what.matchAll(/`(aws_[a-z0-9_]+\.[a-z0-9_]+)`/g)].map((m) => m[1]);
        const relevant = named.length > 0 && not.address === undefined ? hit.filter((f) => named.includes(f.address)) : hit;
        assert.deepEqual(relevant, [], `must not report: ${not.what}`);
      }
      // "a denial of `x`": those changes are allowed
      for (const not of expected.mustNotReport.filter((n) => /tag-SCP denial of/.test(n.what))) {
        for (const [, address] of not.what.matchAll(/`(aws_[a-z0-9_]+\.[a-z0-9_]+)`/g)) {
          const requests = report.changes.find((c) => c.change.address === address)!.requests;
          assert.ok(requests.every((r) => r.decidedBy.every((d) => d.policy !== 'scp-require-team-tag')), `must not report: ${not.what}`);
        }
      }
      for (const not of expected.mustNotReport.filter((n) => /^a denial of/.test(n.what))) {
        for (const [, address] of not.what.matchAll(/`(aws_[a-z0-9_]+\.[a-z0-9_]+)`/g)) {
          assert.equal(report.changes.find((c) => c.change.address === address)?.decision, 'Allow', `must not report: ${not.what}`);
        }
      }
      if (expected.mustNotReport.some((n) => n.what === 'any guardrail denial')) assert.equal(report.summary.denied, 0);
    });

    it('passes only when nothing is denied and no mandatory finding is reported', () => {
      assert.equal(report.passed, report.summary.denied === 0 && report.summary.unknown === 0 && report.summary.unmapped === 0 && report.summary.mandatoryFindings === 0);
      if (expected.summary.denied > 0 || expected.findings.some((f) => f.required && (f.severity === 'high' || f.severity === 'critical'))) assert.equal(report.passed, false);
    });

    if (expected.redaction !== undefined) {
      const { canary, base64 } = expected.redaction;
      it('never prints the sensitive canary, in any output format', () => {
        assert.ok(readFileSync(join(FIXTURES, scenario, 'plan.json'), 'utf8').includes(canary), 'the plan holds the canary');
        for (const output of [renderPreflightText(report), renderPreflightMarkdown(report), preflightJson(report), JSON.stringify(report.changes), JSON.stringify(report.findings)]) {
          assert.ok(!output.includes(canary) && !output.includes(base64), 'the canary is not in the output');
        }
      });
    }
  });
}
