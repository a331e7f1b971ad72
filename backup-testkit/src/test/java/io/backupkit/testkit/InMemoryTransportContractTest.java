package io.backupkit.testkit;

import io.backupkit.spi.Transport;

/** The in-memory transport passes the contract it helps others test. */
final class InMemoryTransportContractTest extends TransportContractTest {
    @Override
    protected Transport openTransport() {
        return new InMemoryTransport();
    }
}
