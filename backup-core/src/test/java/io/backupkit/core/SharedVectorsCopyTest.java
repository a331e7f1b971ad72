package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The vectors the tests read are the shared ones, unedited. */
final class SharedVectorsCopyTest {
    @Test
    void theCopyIsTheSharedFileByteForByte() throws IOException {
        Optional<Path> original = SharedVectors.original("rrule-sample.json");
        assumeTrue(original.isPresent(), "shared/vectors is not beside this checkout: nothing to compare with");

        assertThat(SharedVectors.bytes("rrule-sample.json")).isEqualTo(Files.readAllBytes(original.get()));
    }
}
