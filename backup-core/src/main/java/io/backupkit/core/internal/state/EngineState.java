package io.backupkit.core.internal.state;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.IOException;

/**
 * The engine's {@link State} in memory, its {@link StateStore}, and the one lock that guards both: every
 * reader and writer of the state holds {@link #lock()}, so that a change that spans parts of the state
 * (deleting a server no schedule uses) is atomic.
 */
public final class EngineState {
    private final Object lock = new Object();
    private final StateStore store;
    private final State state;
    /** Closing: no new call or operation. */
    private volatile boolean closing;
    /** Closed: nothing is written any more. */
    private volatile boolean closed;

    public EngineState(StateStore store, State state) {
        this.store = store;
        this.state = state;
    }

    /** The lock to hold while reading or changing {@link #data()}. */
    public Object lock() {
        return lock;
    }

    /** The state; read and change it holding {@link #lock()}. */
    public State data() {
        return state;
    }

    public StateStore store() {
        return store;
    }

    /** Refuses every new call and operation from now on; what runs may still end and record its end. */
    public void closing() {
        closing = true;
    }

    /** Refuses every write from now on. */
    public void close() {
        closing = true;
        closed = true;
    }

    /**
     * Fails when the engine is closing or closed.
     *
     * @throws BackupException CLOSED
     */
    public void checkOpen() {
        if (closing) {
            throw closedError();
        }
    }

    private BackupException closedError() {
        return new BackupException(ErrorCode.CLOSED, "The engine on '" + store.file().getParent()
                + "' is closed");
    }

    /** Writes the state; call it holding {@link #lock()}. */
    public void save() {
        if (closed) {
            throw closedError();
        }
        try {
            store.save(state);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.INTERNAL, "Cannot save the engine state in '" + store.file() + "': "
                    + e.getMessage(), e);
        }
    }

    /** The system id; never null once the engine started. */
    public String systemId() {
        synchronized (lock) {
            return state.systemId;
        }
    }
}
