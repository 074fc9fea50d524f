import { parse as parseYaml } from 'yaml';
import { StatusError, statusErrors } from '../status.js';
import { decodeObject, ProtoDecodeError, ProtoEncodeError, UnknownProtoFieldError, UnknownProtoTypeError, PROTOBUF_MEDIA_TYPE } from '../protobuf/codec.js';
import type { IncludeObject } from './table.js';

/**
 * Content negotiation of the simulated apiserver: which representation a response takes (the
 * Accept header) and how a request body becomes the JSON the verbs work on (the Content-Type).
 */

export type ResponseShape =
  | { kind: 'object' }
  | { kind: 'metadata' }
  | { kind: 'table'; include: IncludeObject }
  /** `jsonFallback`: the client also accepts JSON, so a type burn cannot encode is answered in JSON. */
  | { kind: 'protobuf'; jsonFallback: boolean };

function isJsonRange(type: string): boolean {
  return type === 'application/json' || type === '*/*' || type === 'application/*';
}

/** The first representation in the Accept header the server can produce. */
export function shapeFromAccept(accept: string | undefined, query: URLSearchParams): ResponseShape {
  const ranges = (accept ?? '').split(',').map((range) => {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    return { type: type!.toLowerCase(), params: Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string])) };
  });
  for (const [i, { type, params: p }] of ranges.entries()) {
    if (type === PROTOBUF_MEDIA_TYPE && p.as === undefined) {
      return { kind: 'protobuf', jsonFallback: ranges.slice(i + 1).some((r) => isJsonRange(r.type) && r.params.as === undefined) };
    }
    if (!isJsonRange(type)) continue;
    if (p.as === undefined) return { kind: 'object' };
    if (p.g !== 'meta.k8s.io') continue;
    if (p.as === 'Table') {
      const include = query.get('includeObject');
      return { kind: 'table', include: include === 'None' || include === 'Object' ? include : 'Metadata' };
    }
    if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { kind: 'metadata' };
  }
  return { kind: 'object' };
}

/** Whether errors go back as protobuf Status (the client asked for protobuf first). */
export function prefersProtobuf(accept: string | undefined): boolean {
  return shapeFromAccept(accept, new URLSearchParams()).kind === 'protobuf';
}

/** The encoding failures that mean "this object has no protobuf form in burn's schema". */
export function isUnencodable(err: unknown): boolean {
  return err instanceof ProtoEncodeError || err instanceof UnknownProtoTypeError;
}

export function notAcceptable(err: unknown): StatusError {
  return new StatusError(406, 'NotAcceptable', `burn sim cannot answer in ${PROTOBUF_MEDIA_TYPE}: ${err instanceof Error ? err.message : String(err)}; accept application/json as well`);
}

/**
 * Bodies come as JSON, YAML (create and update) or protobuf (client-go's typed clients); a
 * protobuf body becomes the same JSON a JSON client would have sent. A protobuf type or field
 * burn's schema does not know, and CBOR, are refused with 415, never half-decoded.
 */
export function requestBodyAsJson(contentType: string | undefined, body: Buffer): string {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === PROTOBUF_MEDIA_TYPE) {
    try {
      return JSON.stringify(decodeObject(body));
    } catch (err) {
      if (err instanceof UnknownProtoTypeError || err instanceof UnknownProtoFieldError) {
        throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE} (${err.message}; send it as JSON)`);
      }
      if (err instanceof ProtoDecodeError) throw statusErrors.badRequest(`the protobuf body could not be decoded: ${err.message}`);
      throw err;
    }
  }
  if (mime.includes('protobuf') || mime.includes('cbor')) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE} (burn sim does not decode ${mime}; send JSON, e.g. kubectl apply -f or kubectl create -f)`);
  }
  const text = body.toString('utf8');
  if (mime === 'application/yaml' && text.trim()) {
    try {
      return JSON.stringify(parseYaml(text));
    } catch (err) {
      throw statusErrors.badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return text;
}
