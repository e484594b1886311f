// `smartctl completion bash|zsh|fish`: a completion script made from the command tree
// (commands, options, option choices, fault names), static so a Tab press never starts
// node. program.ts describes the tree (describeProgram); the scripts are text built here.
import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface OptionSpec {
  /** --long and -s spellings. */
  names: string[];
  description: string;
  takesValue: boolean;
  /** Values to offer (choices, fault names). */
  values?: string[] | undefined;
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
}

export interface ProgramSpec {
  commands: CommandSpec[];
  globalOptions: OptionSpec[];
}

/** Values for options commander has no choices for (names the sandbox validates itself). */
export type ExtraValues = Record<string, readonly string[]>;

function optionSpecs(command: Command, extra: ExtraValues): OptionSpec[] {
  return command.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      names: [o.long, o.short].filter((n): n is string => n !== undefined),
      description: o.description,
      takesValue: o.required || o.optional,
      values: o.argChoices ?? (o.long !== undefined ? extra[o.long]?.slice() : undefined),
    }));
}

const HELP: OptionSpec = { names: ['--help', '-h'], description: 'show help', takesValue: false };

export function describeProgram(program: Command, extra: ExtraValues): ProgramSpec {
  return {
    commands: program.commands.map((c) => ({ name: c.name(), description: c.description(), options: [...optionSpecs(c, extra), HELP] })),
    globalOptions: [...optionSpecs(program, extra), HELP],
  };
}

/** Single-quoted for sh (bash, zsh): descriptions and choices may hold any character. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function words(list: readonly string[]): string {
  return list.join(' ');
}

export function bashScript(spec: ProgramSpec): string {
  const names = spec.commands.map((c) => c.name);
  const globalNames = spec.globalOptions.flatMap((o) => o.names).filter((n) => n !== '--help' && n !== '-h');
  const commandValueCases: string[] = [];
  const globalValueCases: string[] = [];
  const valueOptions: string[] = [];
  for (const [cmd, options] of [['', spec.globalOptions] as const, ...spec.commands.map((c) => [c.name, c.options] as const)]) {
    for (const o of options) {
      if (!o.takesValue) continue;
      for (const n of o.names) {
        valueOptions.push(`${cmd}:${n}`);
        if (o.values !== undefined) (cmd === '' ? globalValueCases : commandValueCases).push(`      ${quote(`${cmd}:${n}`)}) COMPREPLY=($(compgen -W ${quote(words(o.values))} -- "$cur")); return ;;`);
      }
    }
  }
  const optionCases = spec.commands.map((c) => `      ${c.name}) opts=${quote(words([...new Set([...c.options.flatMap((o) => o.names), ...globalNames])]))} ;;`);
  return `# smartctl completion for bash. Add this line to ~/.bashrc:
#   source <(smartctl completion bash)
_smartctl() {
  local cur prev cmd word i opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  [[ $COMP_CWORD -gt 0 ]] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -z "$cmd" && " ${words(names)} " == *" $word "* ]]; then cmd="$word"; fi
  done
  # The value of an option that takes one: its choices, else files (complete -o default).
  local valued=' ${words(valueOptions)} '
  if [[ "$valued" == *" $cmd:$prev "* || "$valued" == *" :$prev "* ]]; then
    case "$cmd:$prev" in
${commandValueCases.join('\n')}
    esac
    case ":$prev" in
${globalValueCases.join('\n')}
    esac
    COMPREPLY=()
    return
  fi
  if [[ "$cur" == -* ]]; then
    opts=${quote(words([...globalNames, '--help', '-h']))}
    case "$cmd" in
${optionCases.join('\n')}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${quote(words([...names, 'help']))} -- "$cur"))
    return
  fi
  COMPREPLY=()
}
complete -o default -F _smartctl smartctl
`;
}

/** zsh runs the bash function through bashcompinit (part of zsh). */
export function zshScript(spec: ProgramSpec): string {
  return `# smartctl completion for zsh. Add this line to ~/.zshrc (after compinit):
#   source <(smartctl completion zsh)
autoload -U +X compinit && { whence compdef >/dev/null || compinit; }
autoload -U +X bashcompinit && bashcompinit
${bashScript(spec)
  .split('\n')
  .filter((l) => !l.startsWith('#'))
  .join('\n')}`;
}

export function fishScript(spec: ProgramSpec): string {
  const lines = ['# smartctl completion for fish. Add this line to ~/.config/fish/config.fish:', '#   smartctl completion fish | source', 'complete -c smartctl -f'];
  const option = (condition: string, o: OptionSpec): string => {
    const parts = ['complete -c smartctl', `-n ${fishQuote(condition)}`];
    for (const n of o.names) parts.push(n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`);
    if (o.takesValue) parts.push(o.values !== undefined ? `-x -a ${fishQuote(words(o.values))}` : '-r -F');
    parts.push(`-d ${fishQuote(o.description)}`);
    return parts.join(' ');
  };
  for (const c of spec.commands) lines.push(`complete -c smartctl -n '__fish_use_subcommand' -a ${c.name} -d ${fishQuote(c.description)}`);
  for (const o of spec.globalOptions) lines.push(option('true', o));
  for (const c of spec.commands) for (const o of c.options) lines.push(option(`__fish_seen_subcommand_from ${c.name}`, o));
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, spec: ProgramSpec): string {
  switch (shell) {
    case 'bash':
      return bashScript(spec);
    case 'zsh':
      return zshScript(spec);
    case 'fish':
      return fishScript(spec);
  }
}
