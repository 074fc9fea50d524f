import type { StatusCause } from './status.js';
import type { ObjectMeta, ResourceInfo } from './types.js';

/**
 * ObjectMeta validation as the Kubernetes API server does it on create and update (generateName,
 * name per kind, labels, annotations), with its messages word for word so that clients see the
 * same 422 Invalid Status. Facts from apimachinery's validation rules; the API suite (test/api)
 * checks them against a real API server.
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MAX = 253;
const LABEL_MAX = 63;
const QUALIFIED_NAME_MAX = 63;
const LABEL_VALUE_MAX = 63;
/** Keys plus values of all annotations together. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** A generated name is the generateName (cut to this length) and 5 random characters. */
export const GENERATE_NAME_BASE_MAX = 58;

/** "(e.g. 'a',  or 'b', regex used for validation is 'R')": the apiserver's wording, double space included. */
function regexError(message: string, regex: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${regex}')`;
}

const maxLenError = (n: number) => `must be no more than ${n} characters`;

const SUBDOMAIN_MESSAGE = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
  'example.com',
);
const LABEL_MESSAGE = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
  'my-name',
  '123-abc',
);
const DNS1035_MESSAGE = regexError(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  '[a-z]([-a-z0-9]*[a-z0-9])?',
  'my-name',
  'abc-123',
);
const QUALIFIED_NAME_MESSAGE = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
  'MyName',
  'my.name',
  '123-abc',
);
const LABEL_VALUE_MESSAGE = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?',
  'MyValue',
  'my_value',
  '12345',
);

export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > SUBDOMAIN_MAX) errs.push(maxLenError(SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push(SUBDOMAIN_MESSAGE);
  return errs;
}

function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_MAX) errs.push(maxLenError(LABEL_MAX));
  if (!DNS1123_LABEL.test(value)) errs.push(LABEL_MESSAGE);
  return errs;
}

/** Namespace names: 1.34 words a name that would be a valid subdomain but for its dots apart. */
function isNamespaceName(value: string): string[] {
  if (value.includes('.') && isDns1123Subdomain(value).length === 0) return ['must not contain dots'];
  return isDns1123Label(value);
}

function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_MAX) errs.push(maxLenError(LABEL_MAX));
  if (!DNS1035_LABEL.test(value)) errs.push(DNS1035_MESSAGE);
  return errs;
}

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const msg of isDns1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX)}`);
  if (!QUALIFIED_NAME.test(name)) errs.push(`name part ${QUALIFIED_NAME_MESSAGE}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE.test(value)) errs.push(LABEL_VALUE_MESSAGE);
  return errs;
}

type NameRule = (value: string) => string[];

/** The name rule of each kind the simulator serves that is not a DNS-1123 subdomain. */
const NAME_RULES: Record<string, NameRule> = {
  namespaces: isNamespaceName,
  services: isDns1035Label,
};

/**
 * A generateName is checked as a name that something will be appended to: a trailing '-' is
 * allowed (the apiserver masks the last two characters before checking).
 */
function asPrefix(value: string): string {
  return value.length > 1 && value.endsWith('-') ? `${value.slice(0, -2)}a` : value;
}

/** How Go's %q shows a string in "Invalid value" messages (close enough: JSON quoting). */
const quote = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${quote(value)}: ${detail}`, field };
}

/** The name the apiserver generates: generateName cut to 58 characters, then the random suffix. */
export function generatedName(generateName: string, suffix: string): string {
  return generateName.slice(0, GENERATE_NAME_BASE_MAX) + suffix;
}

/** Labels and annotations, as checked on every create and update. */
export function validateLabelsAndAnnotations(meta: ObjectMeta): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    for (const msg of isQualifiedName(key)) causes.push(invalid('metadata.labels', key, msg));
    for (const msg of isValidLabelValue(String(value))) causes.push(invalid('metadata.labels', value, msg));
  }
  let size = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    // The rule is the label key's, except that case does not matter.
    for (const msg of isQualifiedName(key.toLowerCase())) causes.push(invalid('metadata.annotations', key, msg));
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${ANNOTATIONS_MAX_BYTES} bytes`, field: 'metadata.annotations' });
  }
  return causes;
}

/** ObjectMeta of an object being created (its name already generated), in the apiserver's order. */
export function validateObjectMeta(info: ResourceInfo, meta: ObjectMeta): StatusCause[] {
  const rule = NAME_RULES[info.key] ?? isDns1123Subdomain;
  const causes: StatusCause[] = [];
  if (meta.generateName) {
    for (const msg of rule(asPrefix(meta.generateName))) causes.push(invalid('metadata.generateName', meta.generateName, msg));
  }
  if (!meta.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else for (const msg of rule(meta.name)) causes.push(invalid('metadata.name', meta.name, msg));
  causes.push(...validateLabelsAndAnnotations(meta));
  return causes;
}
