/**
 * What every component builder shares: the config, where each manifest object was written (for errors),
 * and the runtime (transport, secrets, sleeps, emitted logs).
 */
import type { ManifestPath } from '@conveyor/manifest';
import { ManifestError, type Emit } from '../protocol';
import type { Scrubber, Transport } from '../http/transport';
import type { Response } from '../http/response';

export type Node = Record<string, unknown>;

export interface Runtime {
  transport: Transport;
  scrubber: Scrubber;
  /** Multiplies every retry sleep (tests scale them down; 1 in production). */
  sleepScale: number;
  emit: Emit;
  /** requests_cache stand-in for requesters with use_cache: one per run. */
  httpCache: Map<string, Response>;
}

export interface Build {
  config: Record<string, unknown>;
  origins: WeakMap<object, ManifestPath>;
  manifest: Node;
  manifestDir: string;
  rt: Runtime;
  /** Names of streams used as SubstreamPartitionRouter parents (their requesters cache by default). */
  parentStreams: Set<string>;
  error(node: unknown, message: string): ManifestError;
}

export function pathOf(origins: WeakMap<object, ManifestPath>, node: unknown): string {
  const p = node && typeof node === 'object' ? origins.get(node) : undefined;
  return p ? `/${p.join('/')}` : '';
}

export function params(node: Node): Node {
  return (node.$parameters as Node | undefined) ?? {};
}

/** Check a component's `type`; anything else is outside the engine's scope. */
export function expectType(b: Build, node: unknown, allowed: string[]): string {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw b.error(node, `expected a component (${allowed.join(' | ')})`);
  const type = (node as Node).type;
  if (typeof type !== 'string') throw b.error(node, `component has no type (expected ${allowed.join(' | ')})`);
  if (!allowed.includes(type)) {
    throw b.error(node, `component type ${type} is not supported by conveyor-manifest (supported here: ${allowed.join(', ')})`);
  }
  return type;
}

/** Fields that change behaviour and that the engine does not implement: refuse rather than ignore them. */
export function refuseFields(b: Build, node: Node, fields: string[]): void {
  for (const f of fields) {
    if (node[f] !== undefined && node[f] !== null && node[f] !== false) {
      throw b.error(node, `${String(node.type)}.${f} is not supported by conveyor-manifest`);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
