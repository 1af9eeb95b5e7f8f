import { noSuch } from '../core/errors';
import type { SandboxState } from '../core/state';
import type { StripeObject } from '../core/store';

/** A customer that exists and is not deleted, or Stripe's 404 naming `param`. */
export function getCustomer(state: SandboxState, id: string, param = 'customer'): StripeObject {
  const c = state.store.find(id);
  if (!c || c.object !== 'customer' || c.deleted) throw noSuch('customer', id, param);
  return c;
}
