package io.backupkit.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class PipesTest {
    private static final int CHUNK = 64 * 1024;

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void hashingOnAThreadOfItsOwnGivesTheSameDigestsAndRunsActionsAfterTheirBytes() throws Exception {
        java.io.ByteArrayOutputStream target = new java.io.ByteArrayOutputStream();
        Pipes.AsyncOutput out = new Pipes.AsyncOutput(target, CHUNK, 3, "test-writer", true);
        java.util.List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.Random random = new java.util.Random(11);
        java.util.List<byte[]> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] entry = new byte[random.nextInt(3 * CHUNK / 2)];
            random.nextBytes(entry);
            entries.add(entry);
            java.security.MessageDigest digest = Digests.sha256();
            out.hashing(digest);
            out.write(entry, 0, entry.length / 2);
            out.write(entry, entry.length / 2, entry.length - entry.length / 2);
            out.hashing(null);
            out.write(new byte[7]); // framing between entries, not hashed
            out.after(() -> seen.add(Digests.hex(digest)));
        }
        out.close();

        assertThat(seen).containsExactlyElementsOf(entries.stream()
                .map(e -> HexFormat.of().formatHex(Digests.sha256().digest(e))).toList());
        assertThat(target.size()).isEqualTo(entries.stream().mapToInt(e -> e.length + 7).sum());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void actionsWithoutBytesGoOutInChunksAndDoNotPileUp() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        Pipes.AsyncOutput out = new Pipes.AsyncOutput(java.io.OutputStream.nullOutputStream(), CHUNK, 2);
        for (int i = 0; i < 10_000; i++) { // entries without bytes: directories, empty files
            out.after(ran::incrementAndGet);
        }
        // no flush yet: all but the last few hundred have run on the pipe's thread already
        while (ran.get() < 9_000) {
            Thread.sleep(5);
        }
        out.close();
        assertThat(ran.get()).isEqualTo(10_000);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void anInterruptedCloseWaitsForTheThreadBeforeClosingTheTarget() throws Exception {
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closedDuringAWrite = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        java.io.OutputStream slow = new java.io.OutputStream() {
            private volatile boolean inWrite;

            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                inWrite = true;
                writes.incrementAndGet();
                writing.countDown();
                long until = System.nanoTime() + 300_000_000L; // a slow server: not interruptible
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                inWrite = false;
            }

            @Override
            public void close() {
                closedDuringAWrite.set(inWrite);
            }
        };
        Pipes.AsyncOutput out = new Pipes.AsyncOutput(slow, CHUNK, 4);
        byte[] chunk = new byte[CHUNK];
        out.write(chunk);
        out.write(chunk); // one chunk being written, one queued: the close gets as far as the join at once
        Throwable[] thrown = new Throwable[1];
        boolean[] stillInterrupted = new boolean[1];
        Thread closer = new Thread(() -> {
            try {
                out.close();
            } catch (Throwable e) {
                thrown[0] = e;
            }
            stillInterrupted[0] = Thread.currentThread().isInterrupted();
        });
        writing.await();
        closer.start();
        while (closer.isAlive()) { // interrupts at every step of the close: flush, the end marker, the join
            Thread.sleep(20);
            closer.interrupt();
        }
        closer.join();

        assertThat(thrown[0]).isInstanceOf(java.io.InterruptedIOException.class);
        assertThat(stillInterrupted[0]).as("the interrupt is passed on").isTrue();
        assertThat(closedDuringAWrite.get()).as("the target was closed under a running write").isFalse();
        assertThat(writes.get()).as("what was queued is dropped once interrupted").isEqualTo(1);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aFailureReportedByAFlushIsNotThrownAgainByCloseInATryWithResources() {
        IOException broken = new IOException("the connection was lost");
        java.io.OutputStream failing = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw broken;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw broken;
            }
        };

        // the flush reports the target's failure; the close that follows must not add it to itself as suppressed
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (Pipes.AsyncOutput out = new Pipes.AsyncOutput(failing, CHUNK, 2)) {
                out.write(new byte[CHUNK + 1]);
                out.flush();
            }
        });

        assertThat(thrown).isSameAs(broken);
        assertThat(thrown.getSuppressed()).isEmpty();
    }
}
