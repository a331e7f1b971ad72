package io.backupkit.api;

import java.util.List;

/**
 * The backup servers (resource {@code servers}).
 *
 * @param items the servers; never null, possibly empty (an absent {@code items} reads as empty)
 */
public record Servers(List<Server> items) {
    public Servers {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
