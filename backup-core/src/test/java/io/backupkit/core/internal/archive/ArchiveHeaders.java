package io.backupkit.core.internal.archive;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.Status;
import io.backupkit.core.Compression;
import java.util.Arrays;
import java.util.List;

/** Complete, valid archive headers for tests that write or craft archives. */
final class ArchiveHeaders {
    /** The id of the backup every such header describes. */
    static final String ID = "3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b";

    private ArchiveHeaders() {
    }

    /** The header of backup {@link #ID} holding these modules, each at format version 1. */
    static ArchiveHeader of(Compression compression, List<String> modules) {
        ContentInfo contents = new ContentInfo(false, modules.stream().map(m -> new ModuleSelection(m, List.of()))
                .toList());
        CompletedBackup backup = new CompletedBackup(ID, "test", "", 1L, Status.STARTED, "host", "1.0", "model",
                "serial", 0, contents, 0, null);
        return new ArchiveHeader(backup, contents, modules.stream().map(m -> new ArchiveHeader.ModuleVersion(m, 1))
                .toList(), compression, "test-system");
    }

    static ArchiveHeader of(String... modules) {
        return of(Compression.NONE, Arrays.asList(modules));
    }
}
