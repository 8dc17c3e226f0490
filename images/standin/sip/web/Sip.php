<?php
/*
 * Stand-in (NOT SEI): the one piece of SIP's bootstrap file the chart's updater
 * touches. charts/sei/files/updater.sh waits for SIP's database with
 *   require '/opt/sip/web/Sip.php'; BancoSip::getInstance()->abrirConexao(); ->executarSql('select sigla from sistema');
 * This class answers those three calls against SIP's database, as SIP's own
 * BancoSip does: SIP's app user, latin1.
 */
require_once 'Infra.php';

final class BancoSip {
  private static ?BancoSip $instance = null;
  private ?mysqli $connection = null;

  public static function getInstance(): BancoSip {
    return self::$instance ??= new BancoSip();
  }

  public function abrirConexao(): void {
    $this->connection = standinDatabase('sip');
  }

  public function executarSql(string $sql): mysqli_result|bool {
    if ($this->connection === null) throw new RuntimeException('abrirConexao() first');
    return $this->connection->query($sql);
  }
}
