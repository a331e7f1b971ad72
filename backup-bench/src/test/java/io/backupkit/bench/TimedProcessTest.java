package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TimedProcessTest {
    @TempDir
    Path temp;

    @Test
    void theCpuOfAPipelineCountsEveryStageItWaitedFor() throws IOException {
        // two busy stages of a pipeline, each a child of the shell: their CPU reaches us through the shell
        String busy = "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done";
        TimedProcess.Result busyPipeline = TimedProcess.run(List.of("bash", "-c",
                "(" + busy + "; echo x) | (" + busy + "; cat > /dev/null)"), temp, false, Duration.ofMinutes(2),
                new HashSet<>());
        TimedProcess.Result idle = TimedProcess.run(List.of("bash", "-c", "sleep 0.3"), temp, false,
                Duration.ofMinutes(1), new HashSet<>());

        assertThat(busyPipeline.cpuMillis()).isGreaterThan(200);
        // at most every core busy all along, plus a clock tick of rounding
        assertThat(busyPipeline.cpuMillis())
                .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * busyPipeline.nanos() / 1_000_000 + 20);
        assertThat(idle.cpuMillis()).isNotNegative().isLessThan(150);
        assertThat(idle.seconds()).isGreaterThanOrEqualTo(0.3);
    }

    @Test
    void theChildrensPeakRssCountsAProcessThatTheCommandForked() throws IOException {
        Assumptions.assumeTrue(TimedProcess.Rss.childrenAvailable(), "/usr/bin/time (package time) is not installed");
        // a subshell forked by bash holds 40 MB for a moment; bash itself stays small
        TimedProcess.Result r = TimedProcess.run(List.of("bash", "-c",
                "( x=$(head -c 40000000 /dev/zero | tr '\\0' a); echo ${#x} ); true"), temp, Map.of(),
                TimedProcess.Rss.CHILDREN, Duration.ofMinutes(1), new HashSet<>());
        assertThat(r.stdout().strip()).isEqualTo("40000000");
        assertThat(r.peakRssKb()).isGreaterThan(40_000);
        assertThat(r.command()).first().isEqualTo("bash");
    }

    @Test
    void theEnvironmentReachesTheCommand() throws IOException {
        TimedProcess.Result r = TimedProcess.run(List.of("bash", "-c", "echo \"$RESTIC_PASSWORD\""), temp,
                Map.of("RESTIC_PASSWORD", "secret"), TimedProcess.Rss.NONE, Duration.ofMinutes(1), new HashSet<>());
        assertThat(r.stdout()).isEqualTo("secret\n");
        assertThat(r.peakRssKb()).isEqualTo(-1);
    }

    @Test
    void gnuTimesReportIsReadFromItsLastLine() {
        assertThat(TimedProcess.maxRssKb("12345\n")).isEqualTo(12345);
        assertThat(TimedProcess.maxRssKb("Command exited with non-zero status 3\n2048\n")).isEqualTo(2048);
        assertThat(TimedProcess.maxRssKb("")).isEqualTo(-1);
    }
}
