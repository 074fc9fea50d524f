import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { UserError } from '../shared/errors.js';
import { collect } from './flags.js';

export interface RbacFlags {
  config: string;
  userData?: string;
  set?: string[];
  allowMissing?: boolean;
  metricsEndpoint?: string;
  name: string;
  serviceAccount?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** --service-account NAMESPACE/NAME */
function serviceAccountOf(value: string | undefined): { namespace: string; name: string } | undefined {
  if (value === undefined) return undefined;
  const [namespace = '', name = '', ...rest] = value.split('/');
  if (rest.length || !NAME.test(namespace) || !NAME.test(name)) {
    throw new UserError(`--service-account ${value}: expected NAMESPACE/NAME of a ServiceAccount`, { hint: 'e.g. --service-account burn/burn' });
  }
  return { namespace, name };
}

/** `burn rbac`: prints the least-privilege ClusterRole (and Roles) a config needs. */
export async function runRbac(flags: RbacFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  if (!NAME.test(flags.name)) throw new UserError(`--name ${flags.name}: not a valid role name`, { hint: 'use lowercase letters, digits and dashes, e.g. --name burn' });
  const serviceAccount = serviceAccountOf(flags.serviceAccount);
  const [{ loadConfig }, { runAccess, rbacYaml }] = await Promise.all([import('../config/index.js'), import('../engine/index.js')]);
  const config = await loadConfig(flags.config, { userData: flags.userData, set: flags.set, uuid: randomUUID(), allowMissing: flags.allowMissing, metricsEndpoint: flags.metricsEndpoint });
  const header = ` What burn needs to run ${flags.config} (burn rbac). Each rule says which part of the run uses it.`;
  out(rbacYaml(await runAccess(config), { name: flags.name, serviceAccount }, header));
}

export function register(program: Command): void {
  program
    .command('rbac')
    .description('print the least-privilege ClusterRole (and Roles) a job config needs, as YAML for kubectl apply')
    .requiredOption('-c, --config <file>', 'kube-burner v2 job config')
    .option('--name <name>', 'name of the ClusterRole, Roles and bindings', 'burn')
    .option('--service-account <namespace/name>', 'also print bindings of the roles to this ServiceAccount')
    .option('-e, --metrics-endpoint <file>', 'metrics endpoints file that replaces the config\'s (as burn init -e)')
    .option('--user-data <file>', 'YAML or JSON file whose keys are template variables of the config')
    .option('--set <key=value>', 'override a config value after parsing, e.g. jobs.0.qps=50 (repeatable, comma-separated)', collect, [])
    .option('--allow-missing', 'render missing template variables of the config as empty instead of failing')
    .action(async (flags: RbacFlags) => runRbac(flags));
}
