import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.join.ParentJoinPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node for burn's tests and local use, started from Maven Central jars on the
 * classpath instead of a distribution. The distribution's launcher would load the modules from
 * modules/; here the module plugin classes are passed to Node's protected constructor.
 *
 * Usage: java -cp 'launcher:lib/*' BurnOpenSearchNode HOME HTTP_PORT TRANSPORT_PORT
 * HOME holds data/ and logs/. Listens on 127.0.0.1 only. Stops cleanly on SIGTERM.
 */
public final class BurnOpenSearchNode extends Node {
    private static final Collection<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        MapperExtrasPlugin.class,
        ParentJoinPlugin.class,
        ReindexPlugin.class,
        MatrixAggregationPlugin.class
    );

    private BurnOpenSearchNode(Environment environment) {
        super(environment, MODULES, true);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BurnOpenSearchNode HOME HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "burn")
            .put("node.name", "burn-0")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", args[2])
            .put("discovery.type", "single-node")
            // A shared 2-core machine: do not size thread pools for more.
            .put("node.processors", Math.min(2, Runtime.getRuntime().availableProcessors()))
            // Test machines often have full disks; a read-only index would look like an indexer bug.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Startup and errors in the log the up script keeps; not every request.
            .put("logger.level", "INFO")
            .build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> "burn-0");

        BurnOpenSearchNode node = new BurnOpenSearchNode(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "burn-opensearch-shutdown"));
        node.start();
        System.out.println("burn-opensearch: started, http on 127.0.0.1:" + args[1]);
        stopped.await();
    }
}
