package io.backupkit.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's executor: a fixed pool with a bounded queue. An exchange the pool refuses still runs,
 * on a small overflow pool (or, when that is full too, on the caller's thread), marked as rejected,
 * so that the handler answers it 503 at once instead of leaving the client hanging.
 */
final class Workers implements Executor {
    private static final int OVERFLOW_THREADS = 2;
    private static final int OVERFLOW_QUEUE = 256;

    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor overflow;
    private final ThreadLocal<Boolean> rejected = new ThreadLocal<>();

    Workers(int threads, int queueCapacity) {
        BlockingQueue<Runnable> queue = queueCapacity == 0 ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(queueCapacity);
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, queue, daemons("backupkit-http-"),
                new ThreadPoolExecutor.AbortPolicy());
        overflow = new ThreadPoolExecutor(OVERFLOW_THREADS, OVERFLOW_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(OVERFLOW_QUEUE), daemons("backupkit-http-overflow-"),
                new ThreadPoolExecutor.AbortPolicy());
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void execute(Runnable exchange) {
        try {
            pool.execute(exchange);
        } catch (RejectedExecutionException full) {
            Runnable refuse = () -> {
                rejected.set(Boolean.TRUE);
                try {
                    exchange.run();
                } finally {
                    rejected.remove();
                }
            };
            try {
                overflow.execute(refuse);
            } catch (RejectedExecutionException alsoFull) {
                refuse.run();
            }
        }
    }

    /** Whether the exchange running on this thread was refused by the pool. */
    boolean rejected() {
        return rejected.get() != null;
    }

    /** Stops taking work and waits a little for running exchanges. */
    void shutdown() {
        pool.shutdown();
        overflow.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            overflow.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            overflow.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
