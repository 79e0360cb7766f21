import { MANIFEST_LAYOUTS, type Connector } from '@conveyor/connector';
import { commandRunner, dockerRunner, manifestRunner, type ConnectorRunner } from '@conveyor/protocol';
import type { CatConfig } from './config/types';

export interface RunnerOptions {
  /** `command`, `docker` or `manifest`; default: manifest for manifest connectors, command when `command` is set, else docker. */
  runner?: 'command' | 'docker' | 'manifest';
  /** argv for the command runner, e.g. ["python", "main.py"] (a string is split on spaces). */
  command?: string[] | string;
  /** Image for the docker runner; default connector_image, else `<dockerRepository>:dev`. */
  image?: string;
  dockerBin?: string;
}

function argvOf(command: string[] | string): string[] {
  if (Array.isArray(command)) return command;
  const text = command.trim();
  if (text.startsWith('[')) return JSON.parse(text) as string[];
  return text.split(/\s+/);
}

/** The runner a CAT run uses, or an Error saying why none can be built (every live test then fails with it). */
export function selectRunner(connector: Connector, config: CatConfig, opts: RunnerOptions, workspaceRoot: string): ConnectorRunner | Error {
  const kind = opts.runner ?? (opts.command ? 'command' : MANIFEST_LAYOUTS.includes(connector.layout) ? 'manifest' : 'docker');
  try {
    switch (kind) {
      case 'command':
        if (!opts.command) return new Error('runner `command` needs the `command` option, an argv such as ["python", "main.py"]');
        return commandRunner({ command: argvOf(opts.command), cwd: connector.root, env: config.env });
      case 'manifest':
        if (!connector.manifestPath) return new Error(`runner \`manifest\` needs a manifest.yaml; ${connector.name} is a ${connector.layout} connector (use runner command or docker)`);
        return manifestRunner({ manifestPath: connector.manifestPath, cwd: connector.root, env: config.env, paths: [workspaceRoot] });
      case 'docker': {
        const repo = connector.metadata?.dockerRepository;
        const image = opts.image ?? config.connector_image ?? (repo ? `${repo}:dev` : undefined);
        if (!image) return new Error('runner `docker` needs an image: set connector_image in acceptance-test-config.yml or dockerRepository in metadata.yaml');
        return dockerRunner({ image, cwd: connector.root, env: config.env, dockerBin: opts.dockerBin });
      }
      default:
        return new Error(`unknown runner ${JSON.stringify(kind)}: use command, docker or manifest`);
    }
  } catch (e) {
    return e as Error;
  }
}
