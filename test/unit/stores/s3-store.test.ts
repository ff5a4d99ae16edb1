import { createS3Store } from '../../../lambda/stores/s3-store.js';
import { createS3Fake } from '../../helpers/s3-fake.js';
import { describeBlobStoreContract } from './blob-store-contract.js';

describeBlobStoreContract('S3 store (stateful fake)', async () => {
  const fake = createS3Fake({ maxKeys: 7 });
  return {
    store: createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd' }),
    cleanup: async () => fake.restore(),
  };
});
