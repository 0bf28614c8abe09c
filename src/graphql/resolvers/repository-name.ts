import { invalidInput } from '../../core/errors';
import { isRepositoryComponent, MAX_REPOSITORY_LENGTH } from '../../oci/reference';

/** Repository names as the distribution spec allows them; also keeps path tricks out of URLs. */
export function assertRepositoryName(name: string): void {
  if (name.length === 0 || name.length > MAX_REPOSITORY_LENGTH)
    throw invalidInput(`repository name must have 1 to ${MAX_REPOSITORY_LENGTH} characters`);
  if (!name.split('/').every(isRepositoryComponent)) {
    throw invalidInput(
      `repository "${name}" must be lower-case components separated by "/" (letters, digits, ".", "_", "-")`,
    );
  }
}
