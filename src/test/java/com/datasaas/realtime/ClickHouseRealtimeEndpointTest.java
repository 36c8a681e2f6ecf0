package com.datasaas.realtime;

import com.datasaas.support.ClickHouseServer;
import org.springframework.test.context.ContextConfiguration;

/**
 * {@link RealtimeEndpointTest} on the ClickHouse event store: the app runs with DATASAAS_CLICKHOUSE_URL pointing at the test JVM's private
 * ClickHouse 18.16 server (one Spring context for every class here), and every number must equal the embedded run.
 */
@ContextConfiguration(initializers = ClickHouseServer.AppOnClickHouse.class)
class ClickHouseRealtimeEndpointTest extends RealtimeEndpointTest {}
