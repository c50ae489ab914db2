/**
 * A real single-node Slurm cluster on this machine, for the Slurm executor's test: munged,
 * slurmctld and slurmd (Debian slurm-wlm + munge, installed by .ci/setup) started in the
 * foreground from a generated slurm.conf in a temporary folder — no systemd, no cgroups
 * (proctrack/linuxproc, task/none), daemons and jobs as root — on free ports, so it clashes with
 * neither a system Slurm nor another test. `stop()` ends every process it started.
 *
 * It never skips: missing binaries or a daemon that does not come up throw, with the daemons' logs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of a Slurm/munge binary, or an error saying how to install it. */
export function slurmBinary(name: string): string {
  for (const dir of SEARCH) {
    const p = path.join(dir, name);
    if (dir && fs.existsSync(p)) return p;
  }
  throw new Error(
    `'${name}' is not installed: the Slurm test needs Debian's slurm-wlm and munge (.ci/setup installs them: apt-get install slurm-wlm munge)`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface SlurmCluster {
  dir: string;
  conf: string;
  /** Environment for the Slurm client commands (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command against this cluster; throws with its stderr on failure. */
  cli(cmd: string, args: string[]): string;
  /** The daemons' log tails, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const bins = Object.fromEntries(
    ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo', 'scontrol'].map((b) => [
      b,
      slurmBinary(b),
    ]),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-slurm-'));
  fs.chmodSync(dir, 0o755);
  for (const sub of ['munge', 'state', 'spool', 'log']) fs.mkdirSync(path.join(dir, sub), { mode: 0o755 });
  const f = (...p: string[]) => path.join(dir, ...p);
  const children: ChildProcess[] = [];
  const logs = () =>
    ['munged.log', 'slurmctld.log', 'slurmd.log']
      .map((l) => {
        const file = f('log', l);
        const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-25).join('\n') : '(no log)';
        return `--- ${l}\n${text}`;
      })
      .join('\n');
  const stop = async () => {
    spawnSync(bins.scancel, ['--full', '--user', os.userInfo().username], {
      env: { ...process.env, SLURM_CONF: f('slurm.conf') },
    });
    for (const c of [...children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killAll);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Should the test process end without stop() (a crash, an assertion in before()), take the daemons along.
  const killAll = () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'));
  process.once('exit', killAll);
  const start = (bin: string, args: string[], log: string) => {
    const out = fs.openSync(f('log', log), 'a');
    const c = spawn(bin, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    children.push(c);
    return c;
  };
  try {
    const key = f('munge', 'munge.key');
    const mk = spawnSync(bins.mungekey, ['--create', `--keyfile=${key}`, '--force'], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`mungekey failed: ${mk.stderr}`);
    fs.chmodSync(key, 0o600);
    const socket = f('munge', 'munge.socket');
    start(
      bins.munged,
      [
        '--foreground',
        '--force',
        `--socket=${socket}`,
        `--key-file=${key}`,
        `--log-file=${f('log', 'munged.log')}`,
        `--pid-file=${f('munge', 'munged.pid')}`,
        `--seed-file=${f('munge', 'munged.seed')}`,
      ],
      'munged.out',
    );
    await waitFor(
      () => fs.existsSync(socket),
      10_000,
      () => `munged did not create its socket\n${logs()}`,
    );

    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = f('slurm.conf');
    fs.writeFileSync(
      conf,
      [
        'ClusterName=liederivtest',
        'SlurmctldHost=localhost',
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        'SlurmUser=root',
        'SlurmdUser=root',
        `StateSaveLocation=${f('state')}`,
        `SlurmdSpoolDir=${f('spool')}`,
        `SlurmctldPidFile=${f('slurmctld.pid')}`,
        `SlurmdPidFile=${f('slurmd.pid')}`,
        `SlurmctldLogFile=${f('log', 'slurmctld.log')}`,
        `SlurmdLogFile=${f('log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'MpiDefault=none',
        'ReturnToService=2',
        'SchedulerType=sched/backfill',
        // scancel: SIGTERM, then SIGKILL after KillWait seconds (the task records the cancellation in between).
        'KillWait=10',
        'MinJobAge=600',
        'NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN',
        'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    const cli = (cmd: string, args: string[]) => {
      const r = spawnSync(bins[cmd] ?? slurmBinary(cmd), args, { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}\n${logs()}`);
      return r.stdout;
    };
    const ctld = start(bins.slurmctld, ['-D', '-i', '-f', conf], 'slurmctld.out');
    const d = start(bins.slurmd, ['-D', '-N', 'localhost', '-f', conf], 'slurmd.out');
    const died = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
    await waitFor(
      () => {
        if (died(ctld) || died(d))
          throw new Error(
            `${died(ctld) ? 'slurmctld' : 'slurmd'} exited (${ctld.exitCode ?? ctld.signalCode}/${d.exitCode ?? d.signalCode})\n${logs()}`,
          );
        const r = spawnSync(bins.sinfo, ['-h', '-o', '%T'], { env, encoding: 'utf8' });
        return r.status === 0 && /^idle/m.test(r.stdout);
      },
      60_000,
      () =>
        `the node did not become idle within 60 s (sinfo: ${spawnSync(bins.sinfo, [], { env, encoding: 'utf8' }).stdout.trim()})\n${logs()}`,
    );
    return { dir, conf, env, cli, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `cond` every 200 ms until it holds; throws `message()` after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, message: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((r) => setTimeout(r, 200));
  }
}
