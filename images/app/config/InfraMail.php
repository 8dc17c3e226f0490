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
  'Autenticar' => false,
  'Usuario' => '',
  'Senha' => '',
  'MaxDestinatarios' => 25,
  'MaxTamAnexosMb' => 15,
  'Protegido' => '',
);
