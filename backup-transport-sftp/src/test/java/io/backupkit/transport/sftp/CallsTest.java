package io.backupkit.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How closing ends the calls in progress without leaving their threads interrupted. */
@Timeout(30)
final class CallsTest {
    private final Calls calls = new Calls("closed");

    @Test
    void closeInterruptsAThreadWaitingInACallAndTheCallClearsThatInterrupt() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
            try {
                calls.run(() -> {
                    inside.countDown();
                    try {
                        Thread.sleep(60_000); // as sshj waits for a server's window
                        return null;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // as sshj does
                        throw new InterruptedIOException("woken");
                    }
                });
                return "not woken";
            } catch (IOException e) {
                return e.getMessage() + ", interrupted: " + Thread.currentThread().isInterrupted();
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(calls.close()).isEqualTo(1);

        assertThat(caller.get(2, TimeUnit.SECONDS)).isEqualTo("woken, interrupted: false");
    }

    @Test
    void callsNestAndNoCallStartsOnceClosed() throws IOException {
        assertThat(calls.run(() -> calls.run(() -> "inner"))).isEqualTo("inner");

        assertThat(calls.close()).isZero();
        assertThat(calls.close()).isEqualTo(-1);

        assertThat(calls.isClosed()).isTrue();
        assertThatThrownBy(() -> calls.run(() -> "late")).isInstanceOf(IOException.class).hasMessage("closed");
    }

    @Test
    void anInterruptThatCloseDidNotSendIsKept() throws IOException {
        try {
            calls.run(() -> {
                Thread.currentThread().interrupt(); // the caller's own, e.g. a cancellation
                return null;
            });

            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
