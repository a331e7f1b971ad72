package io.backupkit.http;

import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.ModuleInfo;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests beyond the pool and its queue are answered 503 at once. */
final class OverloadTest {
    @TempDir
    Path dir;

    @Test
    void aRequestBeyondThePoolIs503UntilAWorkerIsFree() throws Exception {
        HoldingModule holding = new HoldingModule(new FakeModule("slow", dir.resolve("slow"))).holdNextCall();
        try (ApiFixture api = ApiFixture.start(dir, HttpSettings.DEFAULTS.withThreads(1, 0), holding)) {
            // device_status asks every module whether it can back up, on the worker: this one holds it there
            CompletableFuture<HttpResponse<String>> held = api.client.sendAsync(
                    api.request("/device_status").GET().build(), BodyHandlers.ofString());
            assertThat(holding.entered.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> refused = api.get("/servers");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(tree(refused).path("error_id").asText()).isEqualTo("overloaded");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            holding.release.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            // the worker takes requests again once it is back (with no queue, a request right after the
            // answer can still find it busy)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int status;
            while ((status = api.get("/servers").statusCode()) == 503 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(status).isEqualTo(200);
        }
    }

    /** A module whose description, asked on an HTTP worker, waits once until released. */
    static final class HoldingModule extends Delegating {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private volatile boolean hold;

        HoldingModule(FakeModule delegate) {
            super(delegate);
        }

        @Override
        public boolean canBackup() {
            if (hold && Thread.currentThread().getName().startsWith("backupkit-http-")) {
                hold = false;
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.canBackup();
        }

        HoldingModule holdNextCall() {
            hold = true;
            return this;
        }
    }
}
