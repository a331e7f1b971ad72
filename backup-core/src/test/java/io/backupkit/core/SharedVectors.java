package io.backupkit.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the team's reference data, {@code shared/vectors}, beside the checkout. */
final class SharedVectors {
    private SharedVectors() {
    }

    /** The path of a vector file; fails (never skips) when the shared folder is not there. */
    static Path file(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("vectors").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/vectors/" + name + " not found above " + Path.of("").toAbsolutePath()
                + ": the shared folder must lie beside the checkout");
    }
}
