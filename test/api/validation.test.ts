import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, openTarget, type ApiResponse, type ApiTarget } from './target.js';

/**
 * ObjectMeta validation: what a real API server refuses with 422 Invalid (names per kind,
 * generateName, label keys and values, annotation keys and total size) and what it accepts.
 * The messages are the apiserver's word for word: the same test runs against a real one.
 */

let api: ApiTarget;
let ns: string;
beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('valid');
});
afterAll(async () => api?.close());

const cms = () => `/api/v1/namespaces/${ns}/configmaps`;

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function uniqueCauses(causes: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = JSON.stringify(c);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function expectInvalid(res: ApiResponse, kind: string, name: string, causes: Array<{ field: string; message: string; reason?: string }>): void {
  expect(res.status, res.text).toBe(422);
  expect(res.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, details: { name, kind } });
  // The real apiserver repeats a cause once per validation pass on update (4 times for a ConfigMap); its message lists it once.
  expect(uniqueCauses(res.json.details.causes)).toEqual(causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })));
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  expect(res.json.message).toBe(`${kind} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`);
}

const withMeta = (metadata: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { k: 'v' } });

describe('labels', () => {
  it('refuses a label value with markup: 422 Invalid naming metadata.labels', async () => {
    const res = await api.request('POST', cms(), { body: configMap('xss', { app: '<script>alert(1)</script>' }) });
    expectInvalid(res, 'ConfigMap', 'xss', [{ field: 'metadata.labels', message: `Invalid value: "<script>alert(1)</script>": ${LABEL_VALUE_RULE}` }]);
    expect((await api.request('GET', `${cms()}/xss`)).status).toBe(404);
  });

  it('refuses a label value over 63 characters', async () => {
    const long = 'a'.repeat(64);
    const res = await api.request('POST', cms(), { body: configMap('long-value', { app: long }) });
    expectInvalid(res, 'ConfigMap', 'long-value', [{ field: 'metadata.labels', message: `Invalid value: "${long}": must be no more than 63 characters` }]);
  });

  it('refuses bad label keys: name part, prefix part, empty prefix, two slashes, a name over 63', async () => {
    const cases: Array<[string, string[]]> = [
      ['bad key', [NAME_PART_RULE]],
      ['Example.com/app', [`prefix part ${SUBDOMAIN_RULE}`]],
      ['/app', ['prefix part must be non-empty']],
      ['a/b/c', [`a qualified name ${NAME_PART_RULE.replace(/^name part /, '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
      [`example.com/${'k'.repeat(64)}`, ['name part must be no more than 63 characters']],
    ];
    for (const [i, [key, messages]] of cases.entries()) {
      const res = await api.request('POST', cms(), { body: configMap(`bad-key-${i}`, { [key]: 'v' }) });
      expectInvalid(res, 'ConfigMap', `bad-key-${i}`, messages.map((m) => ({ field: 'metadata.labels', message: `Invalid value: ${JSON.stringify(key)}: ${m}` })));
    }
  });

  it('accepts what the rules allow: prefixed keys, capitals, dots, underscores, an empty value', async () => {
    const labels = { 'example.com/My_Key.1': 'Value_1.x-Y', app: '', [`k8s.io/${'n'.repeat(63)}`]: 'v'.repeat(63) };
    const res = await api.request('POST', cms(), { body: configMap('good-labels', labels) });
    expect(res.status, res.text).toBe(201);
    expect(res.json.metadata.labels).toEqual(labels);
  });

  it('checks labels on update too (merge patch and PUT)', async () => {
    const created = await api.request('POST', cms(), { body: configMap('later') });
    expect(created.status).toBe(201);
    const patched = await api.request('PATCH', `${cms()}/later`, { body: { metadata: { labels: { tier: 'front end' } } }, contentType: 'application/merge-patch+json' });
    expectInvalid(patched, 'ConfigMap', 'later', [{ field: 'metadata.labels', message: `Invalid value: "front end": ${LABEL_VALUE_RULE}` }]);
    const put = await api.request('PUT', `${cms()}/later`, { body: { ...created.json, metadata: { ...created.json.metadata, labels: { 'a b': 'x' } } } });
    expectInvalid(put, 'ConfigMap', 'later', [{ field: 'metadata.labels', message: `Invalid value: "a b": ${NAME_PART_RULE}` }]);
    expect((await api.request('GET', `${cms()}/later`)).json.metadata.labels ?? {}).toEqual({});
  });
});

describe('annotations', () => {
  it('refuses a bad annotation key, but ignores case', async () => {
    const bad = await api.request('POST', cms(), { body: withMeta({ name: 'bad-annotation', annotations: { 'not ok': 'v' } }) });
    expectInvalid(bad, 'ConfigMap', 'bad-annotation', [{ field: 'metadata.annotations', message: `Invalid value: "not ok": ${NAME_PART_RULE}` }]);
    const upper = await api.request('POST', cms(), { body: withMeta({ name: 'upper-annotation', annotations: { 'Example.COM/Some-Thing': '<any text at all>' } }) });
    expect(upper.status, upper.text).toBe(201);
  });

  it('refuses annotations over 256 KiB in total (keys and values), accepts exactly 256 KiB', async () => {
    const limit = 256 * 1024;
    const fits = await api.request('POST', cms(), { body: withMeta({ name: 'big-ok', annotations: { a: 'x'.repeat(limit - 1 - 2), bb: '' } }) });
    expect(fits.status, fits.text.slice(0, 300)).toBe(201);
    const over = await api.request('POST', cms(), { body: withMeta({ name: 'too-big', annotations: { a: 'x'.repeat(limit - 3), bb: 'y' } }) });
    expect(over.status).toBe(422);
    expect(over.json.details.causes).toEqual([{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: 'metadata.annotations' }]);
    expect(over.json.message).toBe('ConfigMap "too-big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
  });
});

describe('names and generateName', () => {
  it('checks names as a DNS-1123 subdomain for most kinds', async () => {
    const res = await api.request('POST', cms(), { body: configMap('Bad_Name') });
    expectInvalid(res, 'ConfigMap', 'Bad_Name', [{ field: 'metadata.name', message: `Invalid value: "Bad_Name": ${SUBDOMAIN_RULE}` }]);
    const long = 'a'.repeat(254);
    expectInvalid(await api.request('POST', cms(), { body: configMap(long) }), 'ConfigMap', long, [
      { field: 'metadata.name', message: `Invalid value: "${long}": must be no more than 253 characters` },
    ]);
    expect((await api.request('POST', cms(), { body: configMap('dotted.name-1') })).status).toBe(201);
  });

  it('checks a Namespace name as a DNS-1123 label and a Service name as a DNS-1035 label', async () => {
    const namespace = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'has.dot' } } });
    expectInvalid(namespace, 'Namespace', 'has.dot', [{ field: 'metadata.name', message: 'Invalid value: "has.dot": must not contain dots' }]);
    const upper = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Has_Upper' } } });
    expectInvalid(upper, 'Namespace', 'Has_Upper', [{ field: 'metadata.name', message: `Invalid value: "Has_Upper": ${LABEL_RULE}` }]);
    const service = await api.request('POST', `/api/v1/namespaces/${ns}/services`, {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: '1st' }, spec: { ports: [{ port: 80 }] } },
    });
    expectInvalid(service, 'Service', '1st', [{ field: 'metadata.name', message: `Invalid value: "1st": ${DNS1035_RULE}` }]);
  });

  it('refuses a bad generateName (and the name made from it); cuts a long one to 58 characters plus 5', async () => {
    const bad = await api.request('POST', cms(), { body: withMeta({ generateName: 'Bad_' }) });
    expect(bad.status).toBe(422);
    expect(bad.json.reason).toBe('Invalid');
    const generated: string = bad.json.details.name;
    expect(generated).toMatch(/^Bad_[a-z0-9]{5}$/);
    expect(bad.json.details.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'metadata.generateName', message: `Invalid value: "Bad_": ${SUBDOMAIN_RULE}` },
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${generated}": ${SUBDOMAIN_RULE}` },
    ]);
    const prefix = `${'g'.repeat(69)}-`;
    const long = await api.request('POST', cms(), { body: withMeta({ generateName: prefix }) });
    expect(long.status, long.text).toBe(201);
    expect(long.json.metadata.name).toMatch(new RegExp(`^${'g'.repeat(58)}[a-z0-9]{5}$`));
    expect(long.json.metadata.generateName).toBe(prefix);
  });
});
