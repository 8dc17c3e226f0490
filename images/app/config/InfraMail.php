<?
/*
 * Mail settings SEI and SIP share (ConfiguracaoSEI.php and ConfiguracaoSip.php
 * require this file): the platform's SMTP relay, from the environment.
 * APP_MAIL_TIPO 2 is SMTP (1 would be a local sendmail, which the image lacks).
 */
return array(
  'Tipo' => getenv('APP_MAIL_TIPO'),
  'Servidor' => getenv('APP_MAIL_SERVIDOR'),
  'Porta' => getenv('APP_MAIL_PORTA'),
  'Codificacao' => '8bit',
  'Seguranca' => getenv('APP_MAIL_SEGURANCA'),
  // The chart sets APP_MAIL_USUARIO (empty: the relay takes mail unauthenticated)
  // and, with a user, APP_MAIL_SENHA from its Secret.
  'Autenticar' => getenv('APP_MAIL_USUARIO') !== '' && getenv('APP_MAIL_USUARIO') !== false,
  'Usuario' => (string) getenv('APP_MAIL_USUARIO'),
  'Senha' => (string) getenv('APP_MAIL_SENHA'),
  'MaxDestinatarios' => 25,
  'MaxTamAnexosMb' => 15,
  'Protegido' => '',
);
