/** The CLI's commands, apart from their code: the executable (bin.ts) names a cache after them. */
export const COMMAND_NAMES = [
  'status',
  'port-forward',
  'kind-load',
  'validate',
  'graph',
  'generate',
  'apply',
  'delete',
  'contexts',
  'kind-create',
  'kind-addons',
  'load',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
