<?
/*
 * SIP's configuration in PRODEMGE's SEI image (docs/images.md, "app"): every
 * value from the environment the chart sets. SIP's cache is the Service named
 * memcached (the public images hard-code it; APP_MEMCACHED_HOST names the same).
 */
class ConfiguracaoSip extends InfraConfiguracao {

  private static $instance = null;

  public static function getInstance(): ConfiguracaoSip {
    if (self::$instance === null) {
      self::$instance = new ConfiguracaoSip();
    }
    return self::$instance;
  }

  public function getArrConfiguracoes(): array {
    $url = getenv('APP_PROTOCOLO') . '://' . getenv('APP_HOST');
    return array(
      'Sip' => array('URL' => $url . '/sip', 'Producao' => true),
      'PaginaSip' => array('NomeSistema' => 'SIP'),
      'SessaoSip' => array(
        'SiglaOrgaoSistema' => getenv('APP_ORGAO'),
        'SiglaSistema' => 'SIP',
        'PaginaLogin' => $url . '/sip/login.php',
        'SipWsdl' => $url . '/sip/controlador_ws.php?servico=sip',
        'ChaveAcesso' => getenv('APP_SIP_CHAVE_ACESSO'),
        'https' => getenv('APP_PROTOCOLO') === 'https',
      ),
      'BancoSip' => array(
        'Servidor' => getenv('APP_DB_HOST'),
        'Porta' => getenv('APP_DB_PORTA'),
        'Banco' => getenv('APP_DB_SIP_BASE'),
        'Usuario' => getenv('APP_DB_SIP_USERNAME'),
        'Senha' => getenv('APP_DB_SIP_PASSWORD'),
        'UsuarioScript' => getenv('APP_DB_SIP_USERNAME'),
        'SenhaScript' => getenv('APP_DB_SIP_PASSWORD'),
        'Tipo' => getenv('APP_DB_TIPO'),
      ),
      'CacheSip' => array('Servidor' => getenv('APP_MEMCACHED_HOST') ?: 'memcached', 'Porta' => '11211'),
      'InfraMail' => require __DIR__ . '/InfraMail.php',
    );
  }
}
