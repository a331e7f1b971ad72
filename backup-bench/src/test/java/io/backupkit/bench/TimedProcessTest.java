package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
}
