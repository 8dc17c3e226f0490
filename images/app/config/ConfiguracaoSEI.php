<?
/*
 * SEI's configuration in PRODEMGE's SEI image (docs/images.md, "app"): every
 * value from the environment the chart sets, except what the image contract
 * fixes (the JOD address, the document repository, the memcached port).
 */
class ConfiguracaoSEI extends InfraConfiguracao {

  private static $instance = null;

  public static function getInstance() {
    if (self::$instance === null) {
      self::$instance = new ConfiguracaoSEI();
    }
    return self::$instance;
  }

  public function getArrConfiguracoes() {
    $url = getenv('APP_PROTOCOLO') . '://' . getenv('APP_HOST');
    $commit = fn(string $name, int $default) => (int) (getenv($name) ?: $default);
    return array(
      'SEI' => array(
        'URL' => $url . '/sei',
        'Producao' => true,
        'RepositorioArquivos' => '/var/sei/arquivos',
        'Modulos' => array(),
      ),
      'PaginaSEI' => array(
        'NomeSistema' => 'SEI',
        // The environment is UTF-8 (the chart's YAML); SEI's pages are ISO-8859-1.
        // glibc's transliteration writes what Latin-1 lacks as its nearest (’ as ').
        'NomeSistemaComplemento' => iconv('UTF-8', 'ISO-8859-1//TRANSLIT', (string) getenv('APP_NOMECOMPLEMENTO')),
        'LogoMenu' => '',
      ),
      'SessaoSEI' => array(
        'SiglaOrgaoSistema' => getenv('APP_ORGAO'),
        'SiglaSistema' => 'SEI',
        'PaginaLogin' => $url . '/sip/login.php',
        'SipWsdl' => $url . '/sip/controlador_ws.php?servico=sip',
        'ChaveAcesso' => getenv('APP_SEI_CHAVE_ACESSO'),
        'https' => getenv('APP_PROTOCOLO') === 'https',
      ),
      'BancoSEI' => array(
        'Servidor' => getenv('APP_DB_HOST'),
        'Porta' => getenv('APP_DB_PORTA'),
        'Banco' => getenv('APP_DB_SEI_BASE'),
        'Usuario' => getenv('APP_DB_SEI_USERNAME'),
        'Senha' => getenv('APP_DB_SEI_PASSWORD'),
        'UsuarioScript' => getenv('APP_DB_SEI_USERNAME'),
        'SenhaScript' => getenv('APP_DB_SEI_PASSWORD'),
        'Tipo' => getenv('APP_DB_TIPO'),
      ),
      'CacheSEI' => array('Servidor' => getenv('APP_MEMCACHED_HOST'), 'Porta' => '11211'),
      'Federacao' => array('Habilitado' => false),
      'JODConverter' => array('Servidor' => 'http://jod:8080/conversion?format=pdf'),
      'Solr' => array(
        'Servidor' => getenv('APP_SOLR_URL'),
        'Usuario' => getenv('SOLR_USERNAME'),
        'Senha' => getenv('SOLR_PASSWORD'),
        'CoreProtocolos' => getenv('APP_SOLR_CORE_PROTOCOLOS'),
        'TempoCommitProtocolos' => $commit('APP_SOLR_TEMPO_COMMIT_PROTOCOLOS', 300),
        'CoreBasesConhecimento' => getenv('APP_SOLR_CORE_BASECONHECIMENTO'),
        'TempoCommitBasesConhecimento' => $commit('APP_SOLR_TEMPO_COMMIT_BASECONHECIMENTO', 60),
        'CorePublicacoes' => getenv('APP_SOLR_CORE_PUBLICACOES'),
        'TempoCommitPublicacoes' => $commit('APP_SOLR_TEMPO_COMMIT_PUBLICACOES', 60),
      ),
      'InfraMail' => require __DIR__ . '/InfraMail.php',
    );
  }
}
