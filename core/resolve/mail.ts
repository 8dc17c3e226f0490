/** The SMTP account an instance sends mail with (platform.yaml mail.authentication, or the municipality's own). */
import type { MailAuthenticationPlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";

export function mailAuthenticationOf(municipality: Municipality, platform: Platform): MailAuthenticationPlan | null {
  // The municipality's own account wins over the platform's; none: SEI sends unauthenticated.
  const authentication = municipality.spec.mail?.authentication ?? platform.spec.mail.authentication;
  if (!authentication) return null;
  const { namespace, name, key } = authentication.passwordSecret;
  return { username: authentication.username, passwordSource: { namespace, name, key } };
}
