import { invalidInput } from '../../domain/errors';

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Repository names as the distribution spec allows them; also keeps path tricks out of URLs. */
export function assertRepositoryName(name: string): void {
  if (name.length === 0 || name.length > 255)
    throw invalidInput('repository name must have 1 to 255 characters');
  if (!name.split('/').every((c) => component.test(c))) {
    throw invalidInput(
      `repository "${name}" must be lower-case components separated by "/" (letters, digits, ".", "_", "-")`,
    );
  }
}
