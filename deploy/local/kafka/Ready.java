// Readiness probe for the local broker: exits 0 once the broker at args[0] answers a real
// metadata request (Admin.describeCluster) and reports at least one live (unfenced) broker.
// Compiled on demand by up.sh / status.sh into target/ready; uses only kafka-clients.
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

public final class Ready {
  public static void main(String[] args) {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    int timeoutMs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-local-ready");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    try (Admin admin = Admin.create(p)) {
      DescribeClusterResult r = admin.describeCluster();
      Collection<Node> nodes = r.nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
      String clusterId = r.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        System.err.println("broker at " + bootstrap + " answered but reports no live broker yet");
        System.exit(1);
      }
      System.out.println("cluster " + clusterId + ", brokers " + nodes);
      System.exit(0);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      System.err.println("broker at " + bootstrap + " not ready: " + c.getClass().getSimpleName() + ": " + c.getMessage());
      System.exit(1);
    }
  }
}
