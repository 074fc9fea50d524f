/**
 * A create serialized ahead of sending: its JSON body and the few fields that name the object,
 * copied out of it. Whoever sends it can let the object (and the rendered YAML its
 * strings were read from) go while the API server holds the create: at qps 1,000 against a slow
 * server that is hundreds of documents.
 */
import { ownString } from '../shared/own-string.js';
import type { KubeObject } from './client.js';

export interface PreparedCreate {
  apiVersion: string;
  kind: string;
  /** metadata.namespace, else the namespace the create was asked for. */
  namespace?: string;
  /** metadata.name; undefined when the server generates it. */
  name?: string;
  generateName?: string;
  body: string;
}

/** The labels a prepared create sends, read back from its body (only a resend that met 409 asks). */
export function labelsSent(body: string): Record<string, string> {
  return (JSON.parse(body) as KubeObject).metadata?.labels ?? {};
}

function own(text: string | undefined): string | undefined {
  return text === undefined ? undefined : ownString(text);
}

export function prepareCreate(obj: KubeObject, namespace?: string): PreparedCreate {
  const meta = obj.metadata ?? {};
  return {
    apiVersion: ownString(obj.apiVersion),
    kind: ownString(obj.kind),
    namespace: own(meta.namespace ?? namespace),
    name: own(meta.name),
    generateName: own(meta.generateName),
    body: JSON.stringify(obj),
  };
}
