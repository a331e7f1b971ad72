package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataSetTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void holdsExactlyTheRequestedBytesSplit70To30(@TempDir Path work) throws IOException {
        DataSet set = DataSet.prepare(work, 4 << 20, 7, QUIET);
        Trees.Count all = Trees.count(set.data());
        Trees.Count large = Trees.count(set.data().resolve("large"));
        assertThat(all.bytes()).isEqualTo(4 << 20).isEqualTo(set.bytes());
        assertThat(all.files()).isEqualTo(set.files());
        assertThat(large.files()).isEqualTo(4);
        assertThat(large.bytes()).isEqualTo((4L << 20) * 70 / 100);
        // 1.2 MiB in files of 1-16 KiB: about 145 files
        assertThat(all.files() - 4).isBetween(120L, 175L);
    }

    @Test
    void isTheSameForTheSameSeedAndDiffersForAnother(@TempDir Path work) throws IOException {
        DataSet a = DataSet.prepare(work.resolve("a"), 1 << 20, 7, QUIET);
        DataSet b = DataSet.prepare(work.resolve("b"), 1 << 20, 7, QUIET);
        DataSet c = DataSet.prepare(work.resolve("c"), 1 << 20, 8, QUIET);
        Path file = Path.of("large/large-3.bin");
        assertThat(Files.readAllBytes(a.data().resolve(file))).isEqualTo(Files.readAllBytes(b.data().resolve(file)))
                .isNotEqualTo(Files.readAllBytes(c.data().resolve(file)));
        assertThat(Trees.count(a.data())).isEqualTo(Trees.count(b.data()));
    }

    @Test
    void isReusedWhenItsMarkerMatchesAndRegeneratedOtherwise(@TempDir Path work) throws IOException {
        DataSet first = DataSet.prepare(work, 1 << 20, 7, QUIET);
        Path probe = first.data().resolve("probe");
        Files.writeString(probe, "kept when reused");

        DataSet.prepare(work, 1 << 20, 7, QUIET);
        assertThat(probe).exists();

        Files.delete(first.directory().resolve("dataset.properties"));
        assertThat(DataSet.exists(work, 1 << 20, 7)).isFalse();
        DataSet regenerated = DataSet.prepare(work, 1 << 20, 7, QUIET);
        assertThat(probe).doesNotExist();
        assertThat(Trees.count(regenerated.data()).bytes()).isEqualTo(1 << 20);
        assertThat(DataSet.exists(work, 1 << 20, 7)).isTrue();
    }
}
