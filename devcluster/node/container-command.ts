// Which program a container runs: the container's `command` replaces the image's Entrypoint and
// its `args` the image's Cmd (a `command` without `args` drops the Cmd), as kube documents it.

export interface ImageProcess {
  entrypoint: readonly string[];
  cmd: readonly string[];
  env: readonly string[];
  workingDir: string;
  user?: string;
}

export interface ContainerProcessSpec {
  command?: readonly string[];
  args?: readonly string[];
  workingDir?: string;
}

export function containerArgv(image: ImageProcess, container: ContainerProcessSpec): string[] {
  if (container.command && container.command.length > 0) return [...container.command, ...(container.args ?? [])];
  return [...image.entrypoint, ...(container.args && container.args.length > 0 ? container.args : image.cmd)];
}
