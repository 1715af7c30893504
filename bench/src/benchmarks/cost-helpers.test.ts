import { connectionRole, firstKey, parseMonitorLine } from './command-origins';
import { cpuBetween, cpuTable } from './process-cpu';

describe('MONITOR lines', () => {
  it('reads the source and the arguments, escapes included', () => {
    expect(
      parseMonitorLine(
        '+1795450319.322729 [0 127.0.0.1:6001] "EVALSHA" "ab12" "2" "p:{default:7}:inbox" "x\\"y"',
      ),
    ).toEqual({
      source: '127.0.0.1:6001',
      args: ['EVALSHA', 'ab12', '2', 'p:{default:7}:inbox', 'x\\"y'],
    });
    expect(parseMonitorLine('+1795450319.4 [0 lua] "ZADD" "k" "1" "1"')?.source).toBe('lua');
    expect(parseMonitorLine('+OK')).toBeUndefined();
  });

  it('finds the first key of scripts and of plain commands', () => {
    expect(firstKey(['EVALSHA', 'ab', '1', 'p:updates:wait', 'arg'])).toBe('p:updates:wait');
    expect(firstKey(['EVAL', 'return 1', '0', 'arg'])).toBeUndefined();
    expect(firstKey(['HSET', 'p:{default:7}:reply:9', 'done', '1'])).toBe('p:{default:7}:reply:9');
  });

  it('tells the processes and BullMQ-only connections apart by name', () => {
    expect(connectionRole('parley-gateway-default')).toEqual({ process: 'gateway', bullmqOnly: false });
    expect(connectionRole('parley-worker-default')).toEqual({ process: 'worker', bullmqOnly: false });
    expect(connectionRole('parley-worker-default-bq')).toEqual({ process: 'worker', bullmqOnly: true });
    expect(connectionRole('bench-1a2b:dXBkYXRlcw==')).toEqual({ process: 'worker', bullmqOnly: true });
    expect(connectionRole('')).toEqual({ process: 'other', bullmqOnly: false });
  });
});

describe('process CPU', () => {
  it('gives each process the CPU it used in between, and the rest of the machine', () => {
    const before = {
      at: 0,
      seconds: new Map([
        ['worker', 1],
        ['gateway', 2],
      ]),
      machine: 10,
    };
    const after = {
      at: 2_000,
      seconds: new Map([
        ['worker', 2.5],
        ['gateway', 2.5],
      ]),
      machine: 13,
    };
    expect(cpuBetween(before, after)).toEqual([
      { label: 'worker', cpuSeconds: 1.5 },
      { label: 'gateway', cpuSeconds: 0.5 },
      { label: 'anything else on the machine', cpuSeconds: 1 },
    ]);
    const table = cpuTable(cpuBetween(before, after), 500, 2_000);
    // worker: 1.5 CPU s for 500 messages = 3 s per 1,000; 75 % of one core over 2 s.
    expect(table.rows[0]?.slice(0, 4)).toEqual(['worker', '1.5', '3', '75 %']);
    expect(table.rows.at(-1)?.[0]).toBe('**whole machine**');
  });
});
