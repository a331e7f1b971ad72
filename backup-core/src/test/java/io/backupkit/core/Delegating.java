package io.backupkit.core;

import io.backupkit.api.ModuleInfo;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;

/**
 * A module that forwards to another; lets a test give a fake module a no-arg constructor.
 *
 * <p>Core's own copy of the fixture: backup-testkit ships the public one, but the kit depends on core,
 * so core's tests cannot depend on the kit (Maven refuses the cycle).
 */
public abstract class Delegating implements BackupModule {
    private final BackupModule delegate;

    protected Delegating(BackupModule delegate) {
        this.delegate = delegate;
    }

    @Override
    public ModuleInfo info() {
        return delegate.info();
    }

    @Override
    public long estimate(BackupContext context) throws IOException {
        return delegate.estimate(context);
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        delegate.backup(context, sink);
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        return delegate.prepare(context, entries);
    }
}
