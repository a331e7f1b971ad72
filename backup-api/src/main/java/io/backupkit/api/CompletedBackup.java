package io.backupkit.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A backup stored on a server (resource {@code completed_backup}). Despite the name, its
 * {@code status} may also be {@code started}, {@code failed} or {@code aborted}.
 *
 * @param id the backup's id, a UUID; never null
 * @param name the backup's name; never null
 * @param desc a description; never null
 * @param serverId the id of the server it is stored on; positive
 * @param status the backup's status; never null
 * @param hostname the host name of the device that made it; never null
 * @param swVersion the software version of that device; never null
 * @param model the model of that device; never null
 * @param serial the serial number of that device; never null
 * @param createdOn when it was made, in epoch seconds
 * @param contents what it contains; never null
 * @param size its size in bytes; not negative
 * @param sid the id of the scheduled backup that made it, a UUID; null for a manual backup
 */
public record CompletedBackup(String id, String name, String desc, long serverId, Status status, String hostname,
        String swVersion, String model, String serial, long createdOn, ContentInfo contents, long size,
        String sid) {
    static final IntRange BYTES = IntRange.of(0, Long.MAX_VALUE);
    static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public CompletedBackup {
        Checker c = new Checker("completed_backup");
        if (c.required("id", id)) {
            uuid(c, "id", id);
        }
        c.required("name", name);
        c.required("desc", desc);
        c.range("server_id", serverId, Server.ID);
        c.required("status", status);
        c.required("hostname", hostname);
        c.required("sw_version", swVersion);
        c.required("model", model);
        c.required("serial", serial);
        c.required("contents", contents);
        c.range("size", size, BYTES);
        if (sid != null) {
            uuid(c, "sid", sid);
        }
        c.throwIfAny();
    }

    static void uuid(Checker c, String field, String value) {
        if (!UUID_TEXT.matcher(value).matches()) {
            c.fail(field, "must be a UUID", value);
        }
    }

    /** The id of the scheduled backup that made it, if a schedule did. */
    public Optional<String> scheduleId() {
        return Optional.ofNullable(sid);
    }

    /** The same backup with another status and size. */
    public CompletedBackup withStatus(Status newStatus, long newSize) {
        return new CompletedBackup(id, name, desc, serverId, newStatus, hostname, swVersion, model, serial,
                createdOn, contents, newSize, sid);
    }
}
