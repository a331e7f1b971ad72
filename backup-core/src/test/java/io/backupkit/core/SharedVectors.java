package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The team's reference data. The tests read the byte-for-byte copy in {@code src/test/resources/vectors},
 * so that a bare clone runs them; {@link SharedVectorsCopyTest} checks that copy against
 * {@code shared/vectors} whenever the shared folder lies beside the checkout.
 */
public final class SharedVectors {
    private SharedVectors() {
    }

    /** The bytes of a vector file from the test class path; fails when the copy is missing. */
    public static byte[] bytes(String name) throws IOException {
        try (InputStream in = SharedVectors.class.getResourceAsStream("/vectors/" + name)) {
            assertThat(in).as("vectors/" + name + " on the test class path").isNotNull();
            return in.readAllBytes();
        }
    }

    /** The original in {@code shared/vectors}, found in a directory above the working directory, if any. */
    static Optional<Path> original(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("vectors").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
