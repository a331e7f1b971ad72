package io.backupkit.api;

import java.util.List;

/**
 * The backups stored on one server (resource {@code backups}).
 *
 * @param serverId the server's id; positive
 * @param completed the backups; never null, possibly empty
 */
public record Backups(long serverId, List<CompletedBackup> completed) {
    public Backups {
        completed = Checker.copyOrNull(completed);
        Checker c = new Checker("backups");
        c.range("server_id", serverId, Server.ID);
        c.required("completed", completed);
        c.throwIfAny();
    }
}
