import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acmeFiles, editFiles } from './acme-variant.test-support.ts';
import { parseConfig } from './parse-config.ts';
import { renderValidateText, validateReport, validateReportJson, VALIDATE_FORMAT } from './validate-report.ts';

const broken = editFiles(acmeFiles, [['parapet.yaml', '- { group: auditors,', '- { group: auditor,']]);

test('the JSON form survives a round trip and has the documented fields', () => {
  for (const files of [acmeFiles, broken]) {
    const report = validateReport('repo/', parseConfig(files));
    const json = JSON.parse(JSON.stringify(validateReportJson(report))) as Record<string, unknown>;
    assert.deepEqual(json, validateReportJson(report));
    assert.equal(json.format, VALIDATE_FORMAT);
    assert.deepEqual(Object.keys(json).sort(), ['dir', 'errors', 'format', 'issues', 'valid', 'warnings', ...(report.valid ? ['summary'] : [])].sort());
    for (const issue of json.issues as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(issue).sort(), ['code', 'column', 'file', 'line', 'message', 'path', 'severity', 'source']);
      assert.equal(issue.file, `repo/${String(issue.source)}`);
    }
  }
});

test('an invalid configuration: the counts match the issues, no summary', () => {
  const report = validateReport('repo', parseConfig(broken));
  assert.equal(report.valid, false);
  assert.equal(report.errors, report.issues.filter((i) => i.severity === 'error').length);
  assert.equal(report.errors + report.warnings, report.issues.length);
  assert.ok(report.errors > 0);
  assert.equal(report.summary, undefined);
});

test('the text says the facts of the JSON: every issue, the counts, the summary', () => {
  for (const files of [acmeFiles, broken]) {
    const report = validateReport('repo', parseConfig(files));
    const json = validateReportJson(report);
    const text = renderValidateText(report);
    for (const issue of json.issues) {
      assert.ok(text.includes(`${issue.file}:${issue.line}:${issue.column}: ${issue.severity} ${issue.code}: ${issue.message}`), issue.message);
    }
    assert.ok(text.includes(`${json.errors} error`));
    assert.ok(text.includes(`${json.warnings} warning`));
    assert.ok(text.includes(json.valid ? ': valid' : ': invalid'));
    if (json.summary !== undefined) {
      for (const [field, label] of Object.entries({ accounts: 'account', units: 'unit', guardrails: 'guardrail', permissionSets: 'permission set', groups: 'group', assignments: 'assignment' })) {
        assert.match(text, new RegExp(`\\b${json.summary[field as keyof typeof json.summary]} ${label}`), field);
      }
    }
  }
});
