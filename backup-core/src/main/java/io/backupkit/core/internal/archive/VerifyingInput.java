package io.backupkit.core.internal.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stream that is checked as it is read: a copy of every byte goes to a check running on a thread of its
 * own, and the read that would end the stream waits for the check and fails when it failed, so that a
 * reader never sees the end of a stream that did not pass (an HTTP download is then cut, not completed).
 * Closing before the end stops the check.
 */
public class VerifyingInput extends FilterInputStream {
    /** A check of a whole stream; throws when it does not pass. */
    public interface Check {
        void run(InputStream in) throws IOException;
    }

    private static final byte[] END = new byte[0];
    private static final int DEPTH = 64;

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(DEPTH);
    private final Thread checker;
    private volatile Throwable failure;
    private volatile boolean stopped;
    private boolean ended;

    public VerifyingInput(InputStream in, Check check) {
        super(in);
        checker = new Thread(() -> {
            try {
                check.run(new QueueInput());
            } catch (Throwable e) {
                failure = e;
            }
        }, "backupkit-verify");
        checker.setDaemon(true);
        checker.start();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failed();
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            offer(Arrays.copyOfRange(b, off, off + n));
        } else if (n < 0 && !ended) {
            ended = true;
            offer(END);
            join();
            if (failure != null) {
                throw failed();
            }
        }
        return n;
    }

    private IOException failed() {
        return new IOException("The archive failed its check: " + failure.getMessage(), failure);
    }

    private void offer(byte[] chunk) throws IOException {
        try {
            while (!stopped && failure == null && checker.isAlive()) {
                if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checking the archive");
        }
    }

    private void join() throws IOException {
        try {
            checker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checking the archive");
        }
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        checker.interrupt();
        try {
            super.close();
        } finally {
            join();
        }
    }

    /** What the check reads: the copies, in order. */
    private final class QueueInput extends InputStream {
        private byte[] chunk;
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (chunk == null || position == chunk.length) {
                if (chunk == END) {
                    return -1;
                }
                try {
                    chunk = queue.take();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("the check was stopped");
                }
                position = 0;
                if (chunk == END) {
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }
    }
}
