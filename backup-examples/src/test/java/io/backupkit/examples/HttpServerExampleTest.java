package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Server;
import io.backupkit.api.Status;
import io.backupkit.core.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class HttpServerExampleTest {
    private static final JsonCodec CODEC = new JsonCodec();

    @TempDir
    Path dir;

    /** The answer of a printed curl line, run as printed by the shell; the status code appended. */
    private record Answer(int status, String body) {
    }

    private static Answer run(String line) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("sh", "-c", line + " -w '\\n%{http_code}'").redirectErrorStream(true)
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(output).isZero();
        int end = output.lastIndexOf('\n');
        return new Answer(Integer.parseInt(output.substring(end + 1).strip()), output.substring(0, end));
    }

    private static boolean busy(HttpServerExample.Running running) {
        try {
            return running.engine().currentOperation().isPresent();
        } catch (io.backupkit.api.InvalidInputException starting) {
            return true; // the engine cannot describe an operation before its first details
        }
    }

    @Test
    void theCurlLinesItPrintsWorkAsPrinted() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (HttpServerExample.Running running = HttpServerExample.start(dir,
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            String out = printed.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("Token: " + running.server().token());
            assertThat(running.curlLines()).hasSize(4).allSatisfy(line -> assertThat(out).contains("  " + line + "\n"));

            Answer status = run(running.curlLines().get(0));
            assertThat(status.status()).isEqualTo(200);
            assertThat(CODEC.read(status.body(), DeviceStatus.class).availableBackupModules())
                    .extracting(m -> m.shortName()).containsExactly("files");

            Answer server = run(running.curlLines().get(1));
            assertThat(server.status()).as(server.body()).isEqualTo(201);
            assertThat(CODEC.read(server.body(), Server.class).id()).isEqualTo(1L);

            Answer backup = run(running.curlLines().get(2));
            assertThat(backup.status()).as(backup.body()).isEqualTo(202);
            CODEC.read(backup.body(), OperationInfo.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (busy(running) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            Answer list = run(running.curlLines().get(3));
            assertThat(list.status()).isEqualTo(200);
            assertThat(CODEC.read(list.body(), Backups.class).completed()).extracting(CompletedBackup::status)
                    .containsExactly(Status.COMPLETED);
        }
    }
}
