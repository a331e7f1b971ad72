package io.backupkit.api;

import java.util.Optional;

/**
 * The body of the HTTP API's {@code POST /backups/server/{server_id}}, which starts a backup (JSON
 * {@code backup_request}: {@code {"name", "desc", "contents"?}}). Not a type of the specification,
 * which leaves the actions' bodies open.
 *
 * @param name the backup's name; never null
 * @param desc a description; never null, possibly empty
 * @param contents what to back up; null when absent, which means every module, configuration and data
 */
public record BackupRequest(String name, String desc, ContentInfo contents) {
    public BackupRequest {
        Checker c = new Checker("backup_request");
        c.required("name", name);
        c.required("desc", desc);
        c.throwIfAny();
    }

    /** A backup of every module, configuration and data. */
    public static BackupRequest of(String name, String desc) {
        return new BackupRequest(name, desc, null);
    }

    /** What to back up, when chosen; empty when every module is meant. */
    public Optional<ContentInfo> optionalContents() {
        return Optional.ofNullable(contents);
    }
}
