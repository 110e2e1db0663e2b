// The Node.js peers' side of bench/run, with the same workloads and output as the Java drivers:
//   node peer.js <bee|bull> enqueue|batch|fill <url> <n>
//   node peer.js <bee|bull> drain <url> <n> <concurrency>
//   node peer.js <bee|bull> latency <url> <rate> <seconds> <concurrency>
// Each ends with a line "result <figure>..." that the script collects. Default settings of each
// library throughout, as for Offload and Jesque.
'use strict';

const { performance } = require('node:perf_hooks');

const QUEUE = 'bench';
const BATCH = 1000;
const WARM_UP = 1000;

// The wall clock in microseconds, which the enqueuer and the worker share.
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One adapter per library: the same five operations, each the library's own way.
function bee(url) {
  const Queue = require('bee-queue');
  const queues = [];
  const open = (isWorker) => {
    const queue = new Queue(QUEUE, { redis: { url }, isWorker });
    queues.push(queue);
    return queue;
  };
  let producer;
  const client = () => (producer ??= open(false));
  return {
    add: (data) => client().createJob(data).save(),
    addBatch: (items) => client().saveAll(items.map((data) => client().createJob(data))),
    // calls onDone after Bee-Queue has stored the job's success
    work(concurrency, handler, onDone) {
      const worker = open(true);
      worker.on('succeeded', onDone);
      worker.process(concurrency, async (job) => handler(job.data));
    },
    close: () => Promise.all(queues.map((queue) => queue.close())),
  };
}

function bull(url) {
  const { Queue, Worker } = require('bullmq');
  const { hostname, port } = new URL(url);
  // a worker's blocking connection needs maxRetriesPerRequest null; BullMQ asks for it
  const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const closables = [];
  let producer;
  const client = () => {
    if (!producer) {
      producer = new Queue(QUEUE, { connection });
      closables.push(producer);
    }
    return producer;
  };
  return {
    add: (data) => client().add('noop', data),
    addBatch: (items) => client().addBulk(items.map((data) => ({ name: 'noop', data }))),
    // calls onDone after BullMQ has moved the job to completed
    work(concurrency, handler, onDone) {
      const worker = new Worker(QUEUE, async (job) => handler(job.data), {
        connection,
        concurrency,
      });
      worker.on('completed', onDone);
      closables.push(worker);
    },
    close: () => Promise.all(closables.map((closable) => closable.close())),
  };
}

const range = (from, to) => Array.from({ length: to - from }, (_, i) => ({ n: from + i }));

async function enqueue(system, n) {
  for (let i = 0; i < WARM_UP; i++) await system.add({ n: i });
  const start = performance.now();
  for (let i = 0; i < n; i++) await system.add({ n: i });
  return [n / ((performance.now() - start) / 1000)];
}

async function batch(system, n, timed) {
  if (timed) await system.addBatch(range(0, BATCH));
  const start = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    await system.addBatch(range(from, Math.min(n, from + BATCH)));
  }
  return [n / ((performance.now() - start) / 1000)];
}

// Timed from BENCH_T0_MS, the wall clock when the script started this process, so that the
// start of Node and the loading of the library count, as for the JVMs. Second figure: the
// process's CPU time per job in microseconds, start-up included.
async function drain(system, n, concurrency) {
  const t0 = Number(process.env.BENCH_T0_MS);
  let done = 0;
  await new Promise((resolve) => {
    system.work(concurrency, async () => {}, () => ++done === n && resolve());
  });
  const cpu = process.cpuUsage();
  return [n / ((Date.now() - t0) / 1000), (cpu.user + cpu.system) / n];
}

async function latency(system, rate, seconds, concurrency) {
  let delays = [];
  let done = 0;
  system.work(
    concurrency,
    async (data) => {
      delays.push(nowMicros() - data.t);
    },
    () => done++,
  );
  const steady = async (count) => {
    const interval = 1000 / rate;
    let next = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      await system.add({ t: nowMicros() });
      next += interval;
    }
  };
  await steady(rate);
  while (done < rate) await sleep(5);
  delays = [];
  await steady(rate * seconds);
  while (done < rate * (1 + seconds)) await sleep(5);
  delays.sort((a, b) => a - b);
  const percentile = (p) => delays[Math.max(0, Math.min(delays.length - 1, Math.ceil(p * delays.length) - 1))];
  return [percentile(0.5) / 1000, percentile(0.99) / 1000];
}

async function main() {
  const [library, workload, url, ...rest] = process.argv.slice(2);
  const system = { bee, bull }[library](url);
  const numbers = rest.map(Number);
  const figures = await {
    enqueue: () => enqueue(system, numbers[0]),
    batch: () => batch(system, numbers[0], true),
    fill: () => batch(system, numbers[0], false),
    drain: () => drain(system, numbers[0], numbers[1]),
    latency: () => latency(system, numbers[0], numbers[1], numbers[2]),
  }[workload]();
  console.log('result ' + figures.map((figure) => figure.toFixed(figure < 100 ? 2 : 0)).join(' '));
  await system.close();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
