package org.openvdi.broker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One burst of a logon storm: {@code jobs} requests run by a fixed number of client threads, so that many are in
 * flight at once and each thread sends its next request as soon as the last one is answered. Each job answers its
 * outcome (an HTTP status and state, or an error); the burst keeps its latency and counts the outcomes.
 */
final class StormBurst {

    /** What one job ended with and how long it took from its request to the answer it waited for. */
    record Result(String outcome, long millis) {
    }

    interface Job {
        Result run(int index) throws Exception;
    }

    /** The figures of a finished burst. */
    record Figures(String name, int requests, double wallSeconds, Samples latency, Map<String, Integer> outcomes,
                   String loadBefore, String loadAfter, long brokerCpuMillis) {

        double perSecond() {
            return requests / wallSeconds;
        }

        double cpuMillisPerRequest() {
            return brokerCpuMillis < 0 ? Double.NaN : (double) brokerCpuMillis / requests;
        }
    }

    private StormBurst() {
    }

    static Figures run(String name, int jobs, int inFlight, Job job, java.util.function.LongSupplier brokerCpuMillis)
            throws InterruptedException {
        String loadBefore = MachineFacts.loadAverage();
        long cpuBefore = brokerCpuMillis.getAsLong();
        AtomicInteger next = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(inFlight);
        long start = System.nanoTime();
        List<Future<List<Result>>> workers = new ArrayList<>();
        for (int t = 0; t < inFlight; t++) {
            workers.add(threads.submit(() -> {
                List<Result> mine = new ArrayList<>();
                for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                    long began = System.nanoTime();
                    try {
                        mine.add(job.run(i));
                    } catch (Exception e) {
                        mine.add(new Result("error " + e.getClass().getSimpleName(), (System.nanoTime() - began) / 1_000_000));
                    }
                }
                return mine;
            }));
        }
        Samples latency = new Samples();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Future<List<Result>> worker : workers) {
            try {
                for (Result result : worker.get()) {
                    latency.add(result.millis());
                    outcomes.merge(result.outcome(), 1, Integer::sum);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        long cpuAfter = brokerCpuMillis.getAsLong();
        return new Figures(name, jobs, wall, latency, outcomes, loadBefore, MachineFacts.loadAverage(),
                cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
    }
}
