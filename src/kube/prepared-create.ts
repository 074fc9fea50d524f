/**
 * A create serialized ahead of sending: its JSON body and the few fields that name and recognise
 * the object, copied out of it. Whoever sends it can let the object (and the rendered YAML its
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
  /** The labels sent: an existing object carrying all of them is the one an earlier attempt created. */
  labels: Record<string, string>;
  body: string;
}

function own(text: string | undefined): string | undefined {
  return text === undefined ? undefined : ownString(text);
}

export function prepareCreate(obj: KubeObject, namespace?: string): PreparedCreate {
  const meta = obj.metadata ?? {};
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta.labels ?? {})) labels[ownString(key)] = ownString(String(value));
  return {
    apiVersion: ownString(obj.apiVersion),
    kind: ownString(obj.kind),
    namespace: own(meta.namespace ?? namespace),
    name: own(meta.name),
    generateName: own(meta.generateName),
    labels,
    body: JSON.stringify(obj),
  };
}
